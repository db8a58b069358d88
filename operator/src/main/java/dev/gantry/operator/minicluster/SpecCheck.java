package dev.gantry.operator.minicluster;

import dev.gantry.api.minicluster.ContainerVolume;
import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.minicluster.MiniClusterContainer;
import dev.gantry.api.minicluster.MiniClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Flux Operator's Validate() rules, each answered with the field and the fix. The schema's CEL
 * rules catch most of them at admission; this catches the rest and guards clusters where the CRD is
 * older. Unsupported fields are listed apart: they are reported, not refused.
 */
public final class SpecCheck {
  private SpecCheck() {}

  public static List<String> problems(MiniCluster mc) {
    MiniClusterSpec spec = mc.getSpec();
    List<String> problems = new ArrayList<>();
    if (spec == null || spec.containers == null || spec.containers.isEmpty()) {
      problems.add("spec.containers: at least one container is required");
      return problems;
    }
    int size = spec.sizeOrDefault();
    if (spec.maxSize != null && spec.maxSize < size) {
      problems.add(
          "spec.maxSize ("
              + spec.maxSize
              + ") is less than spec.size ("
              + size
              + "): raise maxSize or lower size");
    }
    if (spec.minSize != null && spec.minSize > size) {
      problems.add(
          "spec.minSize ("
              + spec.minSize
              + ") is more than spec.size ("
              + size
              + "): lower minSize");
    }
    if (spec.containers.size() > 1) {
      long runners = spec.containers.stream().filter(MiniClusterContainer::runsFlux).count();
      if (runners != 1) {
        problems.add(
            "spec.containers: " + runners + " containers set runFlux; exactly one must run Flux");
      }
    }
    for (int i = 0; i < spec.containers.size(); i++) {
      MiniClusterContainer c = spec.containers.get(i);
      String at = "spec.containers[" + i + "]";
      boolean runner = spec.containers.size() == 1 || c.runsFlux();
      if (!runner && (c.name == null || c.name.isBlank())) {
        problems.add(at + ".name: a container that does not run Flux needs a name");
      }
      if (c.launches() && c.batches()) {
        problems.add(at + ": launcher and batch cannot both be set; choose one");
      }
      if (runner
          && c.command != null
          && !c.command.isBlank()
          && c.commands != null
          && c.commands.script != null) {
        problems.add(at + ": set either command or commands.script, not both");
      }
      if (c.volumes != null) {
        for (Map.Entry<String, ContainerVolume> v : c.volumes.entrySet()) {
          boolean needsPath =
              v.getValue().claimName != null
                  || v.getValue().hostPath != null
                  || v.getValue().configMapName != null
                  || v.getValue().secretName != null;
          if (needsPath && (v.getValue().path == null || v.getValue().path.isBlank())) {
            problems.add(at + ".volumes." + v.getKey() + ".path: a mounted volume needs a path");
          }
        }
      }
    }
    return problems;
  }

  /** Fields the Flux Operator has that Gantry does not implement (yet). */
  public static List<String> unsupported(MiniCluster mc) {
    MiniClusterSpec spec = mc.getSpec();
    List<String> fields = new ArrayList<>();
    if (spec.services != null && !spec.services.isEmpty()) {
      fields.add("spec.services");
    }
    if (spec.archive != null) {
      fields.add("spec.archive");
    }
    if (spec.flux != null && spec.flux.bursting != null) {
      fields.add("spec.flux.bursting");
    }
    if (spec.flux != null && spec.flux.mungeSecret != null) {
      fields.add("spec.flux.mungeSecret");
    }
    if (spec.flux != null && spec.flux.arch != null) {
      fields.add("spec.flux.arch");
    }
    return fields;
  }
}
