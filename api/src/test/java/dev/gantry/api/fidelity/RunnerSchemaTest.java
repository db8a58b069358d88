package dev.gantry.api.fidelity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * spec.runner as the API server validates it: the committed schema with its CEL rules, applied to
 * manifests as kubectl sends them.
 */
class RunnerSchemaTest {
  static final JsonNode SCHEMA =
      Crds.committed().schemaFor("gantry.dev/v1alpha1", "Provision").orElseThrow();

  static JsonNode provision(String runner) throws Exception {
    return Crds.documents(
            """
            apiVersion: gantry.dev/v1alpha1
            kind: Provision
            metadata: {name: rancher}
            spec:
              image: ez-rancher:latest
              runner:
            %s
            """
                .formatted(runner.indent(4)))
        .get(0);
  }

  @Test
  void aFullRunnerIsAccepted() throws Exception {
    JsonNode ok =
        provision(
            """
            nodeSelector: {pool: infra}
            tolerations: [{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]
            securityContext: {runAsUser: 1000, fsGroup: 1000}
            containerSecurityContext: {readOnlyRootFilesystem: true}
            volumes: [{name: cloud-credentials, secret: {secretName: vsphere}}]
            volumeMounts: [{name: cloud-credentials, mountPath: /credentials, readOnly: true}]
            podLabels: {team: platform}
            podAnnotations: {sidecar.istio.io/inject: "false"}
            """);
    assertThat(ManifestValidation.problems(SCHEMA, ok)).isEmpty();
  }

  @Test
  void gantrysOwnVolumesAndMountsAndUnknownFieldsAreRefusedNamingTheField() throws Exception {
    assertThat(
            ManifestValidation.problems(
                SCHEMA, provision("volumes: [{name: deliverables, emptyDir: {}}]")))
        .anyMatch(p -> p.contains("spec.runner.volumes") && p.contains("Gantry's own volume"));
    assertThat(
            ManifestValidation.problems(
                SCHEMA, provision("volumeMounts: [{name: mine, mountPath: /gantry}]")))
        .anyMatch(p -> p.contains("spec.runner.volumeMounts"));
    assertThat(ManifestValidation.problems(SCHEMA, provision("nodeSelektor: {a: b}")))
        .anyMatch(p -> p.contains("nodeSelektor"));
  }
}
