package dev.gantry.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Desired-state builders and status logic are pure: they import no client and no framework. */
class LayeringTest {
  private static final String[] PURE = {
    "dev.gantry.operator.provision.RunJob",
    "dev.gantry.operator.provision.VariablesSecret",
    "dev.gantry.operator.provision.DeliverablesClaim",
    "dev.gantry.operator.provision.RunObserver",
    "dev.gantry.operator.provision.ProvisionStatusFactory",
    "dev.gantry.operator.provision.DeliverablesManifest",
    "dev.gantry.operator.kube.Conditions",
    "dev.gantry.operator.minicluster.MiniClusterObjects",
    "dev.gantry.operator.minicluster.RankJob",
    "dev.gantry.operator.minicluster.EntrypointScripts",
    "dev.gantry.operator.minicluster.BrokerConfig",
    "dev.gantry.operator.minicluster.RankObserver",
    "dev.gantry.operator.minicluster.MiniClusterStatusFactory",
    "dev.gantry.operator.minicluster.SpecCheck",
    "dev.gantry.operator.minicluster.CurveCertificate",
  };

  @Test
  void desiredStateAndStatusCodeImportsNoClientOrFramework() {
    var classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gantry.operator");
    noClasses()
        .that(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "are desired-state or status code",
                c ->
                    java.util.Arrays.stream(PURE)
                        .anyMatch(n -> c.getName().equals(n) || c.getName().startsWith(n + "$"))))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.fabric8.kubernetes.client..", "io.javaoperatorsdk..")
        .check(classes);
  }
}
