package dev.gantry.operator.testing;

import dev.gantry.operator.provision.ProvisionSettings;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.runtime.OperatorOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Starts the real operator against a (mock) API server with the generated CRDs installed. */
public final class OperatorHarness {
  private OperatorHarness() {}

  /** Installs every CRD under deploy/crds, as `gantry install` does. */
  public static void installCrds(KubernetesClient client) throws IOException {
    Path crds = Path.of("..", "deploy", "crds");
    try (var files = Files.list(crds)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = new FileInputStream(file.toFile())) {
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .load(in)
              .createOr(c -> c.update());
        }
      }
    }
  }

  /**
   * Before electing a leader the operator asks whether it may use Leases; the mock server cannot
   * answer that review itself, so it answers as an API server would: with the verbs
   * deploy/rbac.yaml's Role grants on Leases (so a Role that lacks one the operator checks for
   * fails the tests).
   */
  public static void answerLeaseReview(
      io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server) {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewStatus()
                .withIncomplete(false)
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs(leaseVerbs())
                .endResourceRule()
                .endStatus()
                .build())
        .always();
  }

  private static List<String> leaseVerbs() {
    try (InputStream in = new FileInputStream(Path.of("..", "deploy", "rbac.yaml").toFile());
        var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().build()) {
      return client.load(in).items().stream()
          .filter(i -> i instanceof io.fabric8.kubernetes.api.model.rbac.Role)
          .flatMap(i -> ((io.fabric8.kubernetes.api.model.rbac.Role) i).getRules().stream())
          .filter(r -> r.getResources().contains("leases"))
          .flatMap(r -> r.getVerbs().stream())
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static GantryOperator start(KubernetesClient client, int httpPort) {
    return start(
        client,
        httpPort,
        new ProvisionSettings(ProvisionSettings.DEFAULT_TOOLS_IMAGE, Duration.ofSeconds(1)));
  }

  public static GantryOperator start(
      KubernetesClient client, int httpPort, ProvisionSettings provision) {
    return start(client, httpPort, provision, Clock.systemUTC());
  }

  public static GantryOperator start(
      KubernetesClient client, int httpPort, ProvisionSettings provision, Clock clock) {
    OperatorOptions options = new OperatorOptions(Set.of(), false, null, httpPort, provision);
    return new GantryOperator(client, options, clock).start();
  }
}
