package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One write the planner asks for; the executor carries it out and reports how it went. */
public sealed interface StackAction {
  String component();

  /** The object written: the one to create or write, or the live one to delete or let go. */
  JsonNode subject();

  /** The write in one word, as a refusal names it. */
  String verb();

  /** Create a child. */
  record Create(String component, ObjectNode object, String hash) implements StackAction {
    @Override
    public JsonNode subject() {
      return object;
    }

    @Override
    public String verb() {
      return "create";
    }
  }

  /** Write a child over its live version (resourceVersion checked). */
  record Update(String component, ObjectNode object, String hash, String reason)
      implements StackAction {
    @Override
    public JsonNode subject() {
      return object;
    }

    @Override
    public String verb() {
      return "update";
    }
  }

  /** Delete a child; its own children go with it in the background. */
  record Delete(String component, JsonNode live) implements StackAction {
    @Override
    public JsonNode subject() {
      return live;
    }

    @Override
    public String verb() {
      return "delete";
    }
  }

  /** Leave a child behind: Gantry's owner reference and labels removed. */
  record Orphan(String component, JsonNode live) implements StackAction {
    @Override
    public JsonNode subject() {
      return live;
    }

    @Override
    public String verb() {
      return "release";
    }
  }

  /**
   * Put on or take off a member pod's gantry.dev/member-leave finalizer. Written by the operator
   * itself, not as the Stack's account: it is Gantry's own hold, and must be let go even when that
   * account is gone (its namespace being deleted).
   */
  record PodFinalizer(String component, JsonNode pod, boolean hold) implements StackAction {
    @Override
    public JsonNode subject() {
      return pod;
    }

    @Override
    public String verb() {
      return "patch";
    }
  }
}
