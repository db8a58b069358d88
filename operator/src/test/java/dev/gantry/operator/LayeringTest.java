package dev.gantry.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Only the named I/O classes of a capability package may use the Kubernetes client or JOSDK; every
 * other class there (planners, desired-state builders, status parts, parsers) is pure, including
 * one added tomorrow without being listed anywhere. JSON (de)serialization with the model's mapper
 * ({@code Serialization}) is not I/O and is allowed.
 */
class LayeringTest {
  static final String[] CAPABILITY_PACKAGES = {
    "dev.gantry.operator.provision",
    "dev.gantry.operator.minicluster",
    "dev.gantry.operator.relations",
    "dev.gantry.operator.stack",
    "dev.gantry.operator.kube",
  };

  /** The classes that observe, act or serve: they read and write through the client. */
  static final List<String> IO =
      List.of(
          "dev.gantry.operator.provision.ProvisionReconciler",
          "dev.gantry.operator.provision.ProvisionObserver",
          "dev.gantry.operator.provision.ProvisionActions",
          "dev.gantry.operator.provision.ProvisionStatusWriter",
          "dev.gantry.operator.provision.ProvisionUpdateFilter",
          "dev.gantry.operator.provision.OutputsReads",
          "dev.gantry.operator.provision.VolumeReader",
          "dev.gantry.operator.provision.ExecVolumeReader",
          "dev.gantry.operator.provision.VariablesLookup",
          "dev.gantry.operator.minicluster.MiniClusterReconciler",
          "dev.gantry.operator.relations.ConsumerReconciler",
          "dev.gantry.operator.relations.ConsumerView",
          "dev.gantry.operator.relations.BindingSecretDependent",
          "dev.gantry.operator.relations.RelationReconciler",
          "dev.gantry.operator.relations.CachedProviderLookup",
          "dev.gantry.operator.relations.RelationsWebhook",
          "dev.gantry.operator.relations.CertificateStore",
          "dev.gantry.operator.stack.StackReconciler",
          "dev.gantry.operator.stack.StackObserver",
          "dev.gantry.operator.stack.StackActions",
          "dev.gantry.operator.stack.ChildKinds",
          "dev.gantry.operator.stack.KindDiscovery",
          "dev.gantry.operator.stack.StackClients",
          "dev.gantry.operator.kube.StatusWriter",
          "dev.gantry.operator.kube.ChildWriter",
          "dev.gantry.operator.kube.ChildInformers",
          "dev.gantry.operator.kube.EventRecorder",
          "dev.gantry.operator.kube.FreshEdit",
          "dev.gantry.operator.kube.NamespaceTermination");

  static JavaClasses operator() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.gantry.operator");
  }

  static boolean listed(JavaClass c) {
    return IO.stream().anyMatch(n -> c.getName().equals(n) || c.getName().startsWith(n + "$"));
  }

  static boolean inCapability(JavaClass c) {
    for (String p : CAPABILITY_PACKAGES) {
      if (c.getPackageName().equals(p)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void onlyTheNamedIoClassesOfACapabilityUseTheClientOrJosdk() {
    noClasses()
        .that(
            DescribedPredicate.describe(
                "are in a capability package and not a named I/O class",
                c -> inCapability(c) && !listed(c)))
        .should()
        .dependOnClassesThat(
            DescribedPredicate.describe(
                "are the Kubernetes client or JOSDK",
                c ->
                    (c.getPackageName().startsWith("io.fabric8.kubernetes.client")
                            && !c.getName()
                                .equals("io.fabric8.kubernetes.client.utils.Serialization"))
                        || c.getPackageName().startsWith("io.javaoperatorsdk")))
        .check(operator());
  }

  @Test
  void everyNamedIoClassExists() {
    JavaClasses classes = operator();
    assertThat(IO).allMatch(classes::contain, "names a class that exists");
  }
}
