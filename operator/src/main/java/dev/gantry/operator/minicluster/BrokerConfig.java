package dev.gantry.operator.minicluster;

import dev.gantry.api.minicluster.MiniCluster;

/** broker.toml (flux-config-bootstrap(5)): pod {@code <name>-<i>} is rank i; rank 0 leads. */
public final class BrokerConfig {
  private BrokerConfig() {}

  public static String render(MiniCluster mc, int maximumSize) {
    String custom = mc.getSpec().fluxOrDefault().brokerConfig;
    if (custom != null && !custom.isBlank()) {
      return custom.endsWith("\n") ? custom : custom + "\n";
    }
    String mountPath = mc.getSpec().fluxOrDefault().containerOrDefault().mountPathOrDefault();
    String name = mc.getMetadata().getName();
    return "[access]\n"
        + "allow-guest-user = true\n"
        + "allow-root-owner = true\n"
        + "\n"
        + "[resource]\n"
        + "path = \""
        + mountPath
        + "/config/etc/flux/system/R\"\n"
        + "\n"
        + "[bootstrap]\n"
        + "curve_cert = \""
        + mountPath
        + "/config/curve/curve.cert\"\n"
        + "default_port = "
        + MiniClusterNames.BROKER_PORT
        + "\n"
        + "default_bind = \"tcp://eth0:%p\"\n"
        + "default_connect = \"tcp://%h."
        + MiniClusterNames.headlessService(mc)
        + "."
        + mc.getMetadata().getNamespace()
        + ".svc.cluster.local:%p\"\n"
        + "hosts = [\n"
        + "  { host = \""
        + Hostlist.of(name, maximumSize)
        + "\" },\n"
        + "]\n"
        + "\n"
        + "[sched-fluxion-qmanager]\n"
        + "queue-policy = \""
        + mc.getSpec().fluxOrDefault().queuePolicy()
        + "\"\n";
  }
}
