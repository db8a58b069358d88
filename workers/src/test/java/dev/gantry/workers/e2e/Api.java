package dev.gantry.workers.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Calls Gantry's Cloudflare-compatible API directly, as wrangler would. */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();

  record Answer(int status, JsonNode body) {
    int code() {
      return body.path("errors").path(0).path("code").asInt();
    }

    String message() {
      return body.path("errors").path(0).path("message").asText();
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String account;
  private final String token;

  Api(String base, String account, String token) {
    this.base = base;
    this.account = account;
    this.token = token;
  }

  Api as(String otherAccount, String otherToken) {
    return new Api(base, otherAccount, otherToken);
  }

  Answer send(String method, String path, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path.replace("{account}", account)))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), body(r.body()));
  }

  /** The answer's JSON; an answer that is not JSON (a library's own error page) as its text. */
  static JsonNode body(String text) {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(text);
    }
  }

  Answer json(String method, String path, String json) throws Exception {
    return send(method, path, "application/json", json == null ? null : json.getBytes());
  }
}
