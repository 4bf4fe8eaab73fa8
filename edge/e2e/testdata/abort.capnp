# workerd configuration for edge/e2e's TestAbortedDuringLookup: a client
# that goes away while the worker waits on a cache lookup.
# - "client" is the socket's worker: it passes each request on to the edge
#   worker through a service binding and, when the request carries
#   X-Test-Abort-After-Ms, aborts it after that many milliseconds, as
#   Cloudflare's front end does when a visitor's connection closes. (A
#   client closing its own TCP connection does not cancel a request in
#   local workerd; an aborted subrequest does, exactly as in production.)
# - the edge worker is edge/config-test.capnp's, with this configuration's
#   cache: every lookup takes LOOKUP_MS (slowcache.mjs), so an abort lands
#   in the middle of one.
using Workerd = import "/workerd/workerd.capnp";
using Edge = import "../../config.capnp";

const config :Workerd.Config = (
  services = [
    (name = "client", worker = .client),
    (name = "hiwl-edge", worker = .edgeWorker),
    (name = "slow-cache", worker = .slowCache),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "client")],
);

const client :Workerd.Worker = (
  modules = [(name = "client.mjs", esModule = embed "client.mjs")],
  compatibilityDate = Edge.compatibilityDate,
  bindings = [(name = "EDGE", service = "hiwl-edge")],
);

const edgeWorker :Workerd.Worker = (
  modules = Edge.edgeModules,
  compatibilityDate = Edge.compatibilityDate,
  compatibilityFlags = Edge.compatibilityFlags,
  cacheApiOutbound = "slow-cache",
);

const slowCache :Workerd.Worker = (
  modules = [(name = "slowcache.mjs", esModule = embed "slowcache.mjs")],
  compatibilityDate = Edge.compatibilityDate,
);
