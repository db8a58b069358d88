package dev.gantry.workers;

/**
 * An API error, answered in Cloudflare's envelope with its error code and HTTP status. For bad
 * input the message names the field and the fix.
 */
public final class ApiError extends RuntimeException {
  /** Cloudflare's code for a request it could not read. */
  public static final int MALFORMED = 10001;

  /** Cloudflare's code for script content that fails validation. */
  public static final int INVALID = 10021;

  /** An upload over the size limit. */
  public static final int TOO_LARGE = 10027;

  /** Cloudflare's "authentication error". */
  public static final int AUTHENTICATION = 10000;

  /** Cloudflare's "script not found" (wrangler expects it for scripts/NAME and workers/NAME). */
  public static final int SCRIPT_NOT_FOUND = 10007;

  /** Cloudflare's "service not found" (wrangler expects it for services/NAME). */
  public static final int SERVICE_NOT_FOUND = 10090;

  /**
   * Cloudflare's "binding name already in use": a secret and another binding of a worker share a
   * name ({@code wrangler secret put} of a var's name gets it from Cloudflare).
   */
  public static final int BINDING_NAME_IN_USE = 10053;

  private final int code;
  private final int status;

  public ApiError(int code, int status, String message) {
    super(message);
    this.code = code;
    this.status = status;
  }

  public static ApiError badRequest(String message) {
    return new ApiError(MALFORMED, 400, message);
  }

  public static ApiError invalid(String message) {
    return new ApiError(INVALID, 400, message);
  }

  public static ApiError scriptNotFound(String script) {
    return new ApiError(SCRIPT_NOT_FOUND, 404, "workers.api.error.script_not_found: " + script);
  }

  public static ApiError serviceNotFound(String script) {
    return new ApiError(SERVICE_NOT_FOUND, 404, "workers.api.error.service_not_found: " + script);
  }

  /** Cloudflare's words for a binding name clash, then which bindings clash and what to do. */
  public static ApiError bindingNameInUse(String name, String detail) {
    return new ApiError(
        BINDING_NAME_IN_USE,
        400,
        "Binding name '"
            + name
            + "' already in use. Please use a different name and try again. ("
            + detail
            + ")");
  }

  public static ApiError authentication(String why) {
    return new ApiError(AUTHENTICATION, 403, "Authentication error: " + why);
  }

  public int code() {
    return code;
  }

  public int status() {
    return status;
  }
}
