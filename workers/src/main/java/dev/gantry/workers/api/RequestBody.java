package dev.gantry.workers.api;

import dev.gantry.workers.ApiError;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongFunction;

/**
 * A request's body, read by the API rather than by the HTTP library: a body over the limit, or one
 * that ends before its {@code Content-Length} or last chunk (the client gave up), is then answered
 * in Cloudflare's envelope, not as the library's own page or as an internal error.
 */
final class RequestBody {
  private RequestBody() {}

  /**
   * The whole body, at most {@code limit} bytes.
   *
   * @param tooLarge the error for a body over the limit, given its size (-1: chunked, not known)
   */
  static byte[] read(Context ctx, long limit, LongFunction<ApiError> tooLarge) {
    long length = ctx.contentLength();
    if (length > limit) {
      drain(ctx, Math.min(length, 4 * limit));
      throw tooLarge.apply(length);
    }
    // Chunked, the size shows only while reading: read to one byte past the limit.
    int wanted = (int) Math.min(Integer.MAX_VALUE - 8, length >= 0 ? length : limit + 1);
    byte[] body;
    try {
      body = ctx.req().getInputStream().readNBytes(wanted);
    } catch (IOException e) {
      throw cutShort(length);
    }
    if (length >= 0 && body.length < length) {
      throw cutShort(length);
    }
    if (body.length > limit) {
      drain(ctx, 4 * limit);
      throw tooLarge.apply(-1);
    }
    return body;
  }

  /** Any request's body over the limit (an upload says so in its own words). */
  static ApiError tooLarge(long size, long limit) {
    return new ApiError(
        ApiError.TOO_LARGE,
        413,
        "the request body is "
            + (size < 0 ? "more than " + limit : String.valueOf(size))
            + " bytes, over this server's limit of "
            + limit
            + " bytes (gantry workers serve --max-upload-bytes)");
  }

  /** The client ended the body early: the HTTP library's "Early EOF" is no internal error. */
  private static ApiError cutShort(long length) {
    return ApiError.badRequest(
        "the request body ended before "
            + (length >= 0 ? "its Content-Length of " + length + " bytes" : "its last chunk")
            + " arrived: send the whole body");
  }

  /**
   * Reads (and drops) what the client is still sending, within bounds, so it gets the answer
   * instead of a reset connection; nothing of it is kept.
   */
  private static void drain(Context ctx, long bytes) {
    try (InputStream in = ctx.req().getInputStream()) {
      in.skipNBytes(bytes);
    } catch (IOException | RuntimeException e) {
      // the client went away, or sent less (EOF): the answer is all it could get
    }
  }
}
