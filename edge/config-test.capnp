# workerd configuration for the e2e tests (make test-edge): edge/config.capnp's
# worker plus the HIWL_EDGE_TEST_HOOKS binding, which makes the entry module
# start the Go instance with the test-only route POST /__test/crash (it kills
# the instance, to test recovery). Never define that binding in wrangler.toml.
using Workerd = import "/workerd/workerd.capnp";
using Edge = import "config.capnp";

const config :Workerd.Config = (
  services = [(name = "hiwl-edge", worker = .testWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "hiwl-edge")],
);

const testWorker :Workerd.Worker = (
  modules = Edge.edgeModules,
  compatibilityDate = Edge.compatibilityDate,
  bindings = [(name = "HIWL_EDGE_TEST_HOOKS", text = "1")],
);
