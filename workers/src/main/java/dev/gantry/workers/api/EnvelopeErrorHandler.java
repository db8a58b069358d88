package dev.gantry.workers.api;

import dev.gantry.workers.ApiError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors the HTTP server answers itself, before any route runs (a path it will not decode, such
 * as one with a NUL in it; a head it cannot parse), in Cloudflare's envelope instead of its own
 * HTML page: a client of this API reads every answer the same way.
 */
final class EnvelopeErrorHandler extends ErrorHandler {
  /** Cloudflare's code for an internal error. */
  static final int INTERNAL = 10013;

  @Override
  public boolean errorPageForMethod(String method) {
    return true; // the server's default answers only GET, POST and HEAD with a body
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.setStatus(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, envelope(code, message), callback);
  }

  static ByteBuffer envelope(int status, String reason) {
    int code = status >= 500 ? INTERNAL : status == 413 ? ApiError.TOO_LARGE : ApiError.MALFORMED;
    String message =
        "the request could not be read"
            + (reason == null || reason.isBlank() ? "" : ": " + reason)
            + " (HTTP "
            + status
            + ")";
    return ByteBuffer.wrap(
        Envelope.error(new ApiError(code, status, message)).getBytes(StandardCharsets.UTF_8));
  }
}
