// The socket's worker in abort.capnp: passes each request to the edge
// worker (env.EDGE), and aborts it after X-Test-Abort-After-Ms
// milliseconds when the request carries that header, answering
// {"aborted": true} itself.
export default {
  async fetch(request, env) {
    const after = Number(request.headers.get("X-Test-Abort-After-Ms") || "0");
    if (!(after > 0)) return env.EDGE.fetch(request);
    try {
      const res = await env.EDGE.fetch(request, { signal: AbortSignal.timeout(after) });
      return new Response(JSON.stringify({ aborted: false, status: res.status }), { status: 200 });
    } catch (err) {
      return new Response(JSON.stringify({ aborted: true, error: String(err) }), { status: 200 });
    }
  },
};
