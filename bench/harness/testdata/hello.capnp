# A one-line worker for harness_test: StartWorkerd is tested against a real
# workerd without building the edge bundle.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "hello", worker = .hello)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "hello")],
);

const hello :Workerd.Worker = (
  modules = [(name = "hello.mjs", esModule = "export default { fetch() { return new Response('hello'); } };")],
  compatibilityDate = "2024-09-01",
);
