package dev.gantry.api.stack;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Where each component is, and why the ones that are not Ready are not. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StackStatus {
  @PrinterColumn(name = "Phase", priority = 0)
  @JsonPropertyDescription("Progressing, Ready, Failed or Deleting.")
  public Phase phase;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready components out of those included, as <ready>/<total>.")
  public String readyComponents;

  @JsonPropertyDescription("Ready (all included components Ready) and InvalidSpec.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("One row per component, in creation order.")
  public List<ComponentStatus> components = new ArrayList<>();

  /** The Stack's phase. */
  public enum Phase {
    Progressing,
    Ready,
    Failed,
    Deleting
  }

  /** One component. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ComponentStatus {
    @JsonPropertyDescription("The component's name.")
    public String name;

    @JsonPropertyDescription(
        "Pending (waiting for what it depends on), Blocked (something it depends on failed),"
            + " Creating, Ready, Failed, Deleting, or Excluded (by includeWhen).")
    public ComponentPhase phase;

    @JsonPropertyDescription(
        "Why, in one CamelCase word: WaitingForDependencies, DependencyFailed, Created, Updated,"
            + " NotReady, Ready, RenderFailed, Refused, Timeout, Failed, Excluded, Deleting.")
    public String reason;

    @JsonPropertyDescription(
        "Why it is not Ready, in words: what it waits for, or what failed and the fix.")
    public String message;

    @JsonPropertyDescription("The components it depends on (references and dependsOn).")
    public List<String> dependsOn = new ArrayList<>();

    @JsonPropertyDescription("The objects it made.")
    public List<ChildReference> children = new ArrayList<>();

    @JsonPropertyDescription("When phase last changed.")
    public String lastTransitionTime;

    @JsonPropertyDescription(
        "For a component with onMemberJoin or onMemberLeave: each member (pod) and where its"
            + " join or leave action is.")
    public List<MemberStatus> members;

    @JsonPropertyDescription(
        "For a collection (forEach): each of its objects, in name order, with its own phase.")
    public List<ItemStatus> items;
  }

  /** One object of a collection. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ItemStatus {
    @JsonPropertyDescription("The object's name.")
    public String name;

    @JsonPropertyDescription("Creating (not Ready yet), Ready or Failed.")
    public ComponentPhase phase;

    @JsonPropertyDescription("Why it is not Ready, in words.")
    public String message;
  }

  /** One member of a component with member actions. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class MemberStatus {
    @JsonPropertyDescription("The pod's name.")
    public String name;

    @JsonPropertyDescription("The pod's uid: a pod made again under the same name is a new member.")
    public String uid;

    @JsonPropertyDescription("The pod's IP address when it joined.")
    public String address;

    @JsonPropertyDescription(
        "Joining (its onMemberJoin Job runs), Joined, Leaving (its onMemberLeave Job runs), Left,"
            + " or ActionFailed (the Job failed; it is run again, see message).")
    public MemberState state;

    @JsonPropertyDescription(
        "The action state and attempt are about: onMemberJoin or onMemberLeave.")
    public String action;

    @JsonPropertyDescription("Which run of that action this is, from 1.")
    public Integer attempt;

    @JsonPropertyDescription("What the member waits for, or what failed.")
    public String message;

    @JsonPropertyDescription("When state last changed.")
    public String lastTransitionTime;
  }

  /** Where a member is. */
  public enum MemberState {
    Joining,
    Joined,
    Leaving,
    Left,
    ActionFailed
  }

  /** The phase of one component. */
  public enum ComponentPhase {
    Pending,
    Blocked,
    Creating,
    Ready,
    Failed,
    Deleting,
    Excluded
  }

  /** An object a component made, and what Gantry last wrote to it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ChildReference {
    @JsonPropertyDescription("Its apiVersion.")
    public String apiVersion;

    @JsonPropertyDescription("Its kind.")
    public String kind;

    @JsonPropertyDescription("Its name, in the Stack's namespace.")
    public String name;

    @JsonPropertyDescription(
        "SHA-256 of what Gantry last wrote (the rendered template), to tell an edit of the Stack"
            + " from an edit of the object.")
    public String appliedHash;

    @JsonPropertyDescription(
        "The object's metadata.generation (or, for kinds without one, resourceVersion) right"
            + " after Gantry wrote it or last found it as declared: a later value means someone"
            + " else changed it, and it is compared with the declaration again.")
    public String appliedVersion;
  }
}
