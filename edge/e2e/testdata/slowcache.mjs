// The Cache API of abort.capnp's edge worker (its cacheApiOutbound): every
// lookup (GET) answers a miss after LOOKUP_MS, every store (PUT) is taken
// and forgotten at once.
const LOOKUP_MS = 3000;

export default {
  async fetch(request) {
    if (request.method === "GET") {
      await new Promise((resolve) => setTimeout(resolve, LOOKUP_MS));
      return new Response(null, { status: 504 });
    }
    await request.arrayBuffer();
    return new Response(null, { status: 204 });
  },
};
