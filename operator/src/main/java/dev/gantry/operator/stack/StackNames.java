package dev.gantry.operator.stack;

import dev.gantry.operator.kube.ManagedLabels;
import java.util.LinkedHashMap;
import java.util.Map;

/** The names and labels of a Stack's children, in one place so operator, status and CLI agree. */
public final class StackNames {
  /** Label that marks a child of a Stack and names the Stack. */
  public static final String OWNER_LABEL = "gantry.dev/stack";

  /** Label that names the component a child belongs to. */
  public static final String COMPONENT_LABEL = "gantry.dev/component";

  public static final String PART_OF = "app.kubernetes.io/part-of";

  /**
   * Held while the components are torn down in reverse dependency order, which the garbage
   * collector (deleting every owned object at once) cannot do.
   */
  public static final String FINALIZER = "gantry.dev/stack-teardown";

  /**
   * On a child: the object as Gantry last wrote it, so a field removed from the template is removed
   * from the object (kubectl apply's three-way merge). Not on Secrets.
   */
  public static final String LAST_APPLIED = "gantry.dev/last-applied";

  /** On a child of a component with deletionPolicy Orphan: left behind, not deleted. */
  public static final String DELETION_POLICY = "gantry.dev/deletion-policy";

  /** On a Job Gantry runs for a component rather than as it: which hook it is (pre-delete). */
  public static final String HOOK = "gantry.dev/hook";

  private StackNames() {}

  /**
   * The name of a component's Provision or MiniCluster: {@code <stack>-<component>}, camelCase
   * dashed (infraServers: infra-servers). Component names have no dashes, so this is one-to-one.
   */
  public static String child(String stack, String component) {
    StringBuilder name = new StringBuilder(stack).append('-');
    for (char c : component.toCharArray()) {
      if (Character.isUpperCase(c)) {
        name.append('-').append(Character.toLowerCase(c));
      } else {
        name.append(c);
      }
    }
    return name.toString();
  }

  /**
   * The name of a member action's Job: {@code
   * <stack>-<component>-<member-join|member-leave>-<hash>}, the hash of the pod's uid and the
   * attempt (a pod made again under its old name is a new member), the front cut so the whole fits
   * the 63 characters a Job's pods label it with.
   */
  public static String memberJob(
      String stack, String component, String hook, String uid, int attempt) {
    String suffix = "-" + hook + "-" + shortHash(uid + "/" + hook + "/" + attempt);
    String base = child(stack, component);
    if (base.length() + suffix.length() > 63) {
      base = base.substring(0, 63 - suffix.length()).replaceAll("-+$", "");
    }
    return base + suffix;
  }

  private static String shortHash(String text) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Marks a hook Job's pods (label gantry.dev/hook): they carry the Stack's and the component's
   * labels, for its network rules, but are no members of it.
   */
  static void markHookPods(com.fasterxml.jackson.databind.node.ObjectNode job, String hook) {
    job.with("spec").with("template").with("metadata").with("labels").put(HOOK, hook);
  }

  /** The labels Gantry puts on every child of a component, over the template's own. */
  public static Map<String, String> labels(String stack, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(ManagedLabels.MANAGED_BY, ManagedLabels.GANTRY);
    labels.put(PART_OF, stack);
    labels.put(OWNER_LABEL, stack);
    labels.put(COMPONENT_LABEL, component);
    return labels;
  }
}
