package dev.gantry.workers.upload;

/**
 * A binding from the upload's metadata that the runtime provides.
 *
 * @param name the variable name in the worker's env
 * @param type plain_text, json, secret_text or service
 * @param text the value of a plain_text binding; the JSON of a json binding
 * @param service the bound worker's script name, for a service binding
 */
public record BindingSpec(String name, String type, String text, String service) {
  public static final String PLAIN_TEXT = "plain_text";
  public static final String JSON = "json";
  public static final String SECRET_TEXT = "secret_text";
  public static final String SERVICE = "service";
}
