package dev.gantry.workers.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.workers.ApiError;

/** Cloudflare's response envelope: {success, errors[{code, message}], messages, result}. */
final class Envelope {
  static final ObjectMapper JSON = new ObjectMapper();

  private Envelope() {}

  static String ok(Object result) {
    ObjectNode body = JSON.createObjectNode();
    body.put("success", true);
    body.putArray("errors");
    body.putArray("messages");
    body.set("result", result instanceof JsonNode node ? node : JSON.valueToTree(result));
    return body.toString();
  }

  static String error(ApiError error) {
    ObjectNode body = JSON.createObjectNode();
    body.put("success", false);
    body.putArray("errors")
        .addObject()
        .put("code", error.code())
        .put("message", error.getMessage());
    body.putArray("messages");
    body.putNull("result");
    return body.toString();
  }
}
