package dev.gantry.workers.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.workers.model.Deployment;
import dev.gantry.workers.model.Version;
import dev.gantry.workers.store.MetadataStore.ScriptRecord;
import dev.gantry.workers.upload.BindingSpec;
import java.util.List;

/**
 * The JSON shapes wrangler reads, built from Gantry's model: scripts, services, versions,
 * deployments, settings. Pure.
 */
final class CloudflareShapes {
  private CloudflareShapes() {}

  static ObjectNode script(ScriptRecord script, Version latest, Deployment active) {
    ObjectNode o = Envelope.JSON.createObjectNode();
    o.put("id", script.name);
    o.put("tag", tag(script));
    o.put("etag", latest == null ? "" : latest.id());
    o.putArray("handlers").add("fetch");
    o.put("created_on", script.created);
    o.put("modified_on", script.modified);
    o.put("usage_model", "standard");
    o.put("has_modules", latest != null && !latest.serviceWorker());
    o.put("has_assets", false);
    o.put("compatibility_date", latest == null ? null : latest.compatibilityDate());
    ArrayNode flags = o.putArray("compatibility_flags");
    if (latest != null) {
      latest.compatibilityFlags().forEach(flags::add);
    }
    if (active != null) {
      o.put("deployment_id", active.versions().get(0).versionId());
    }
    o.put("startup_time_ms", 0);
    o.put("last_deployed_from", "wrangler");
    return o;
  }

  static ObjectNode service(ScriptRecord script, Version latest, Deployment active) {
    ObjectNode o = Envelope.JSON.createObjectNode();
    o.put("id", script.name);
    o.put("created_on", script.created);
    o.put("modified_on", script.modified);
    ObjectNode env = o.putObject("default_environment");
    env.put("environment", "production");
    env.put("created_on", script.created);
    env.put("modified_on", script.modified);
    env.set("script", script(script, latest, active));
    o.putArray("environments");
    return o;
  }

  static String tag(ScriptRecord script) {
    return Integer.toHexString(script.name.hashCode());
  }

  /**
   * A version as Cloudflare shows it. Gantry's secrets belong to the worker and every version runs
   * with them, so each version lists them, by name and type only.
   */
  static ObjectNode version(Version v, String author, List<String> secretNames) {
    ObjectNode o = Envelope.JSON.createObjectNode();
    o.put("id", v.id());
    o.put("number", v.number());
    ObjectNode meta = o.putObject("metadata");
    meta.put("author_email", author);
    meta.put("author_id", author);
    meta.put("created_on", v.created());
    meta.put("modified_on", v.created());
    meta.put("source", "wrangler");
    meta.put("hasPreview", false);
    ObjectNode annotations = o.putObject("annotations");
    v.annotations().forEach(annotations::put);
    ObjectNode resources = o.putObject("resources");
    ObjectNode script = resources.putObject("script");
    script.put("etag", v.id());
    script.putArray("handlers").add("fetch");
    script.put("last_deployed_from", "wrangler");
    ObjectNode runtime = resources.putObject("script_runtime");
    runtime.put("compatibility_date", v.compatibilityDate());
    ArrayNode flags = runtime.putArray("compatibility_flags");
    v.compatibilityFlags().forEach(flags::add);
    runtime.put("usage_model", "standard");
    runtime.putObject("limits");
    resources.set("bindings", bindings(v, secretNames));
    return o;
  }

  /** The bindings a version has, secrets shown by name and type only. */
  static ArrayNode bindings(Version v, List<String> secretNames) {
    ArrayNode out = Envelope.JSON.createArrayNode();
    if (v != null) {
      for (BindingSpec b : v.bindings()) {
        ObjectNode o = out.addObject().put("name", b.name()).put("type", b.type());
        switch (b.type()) {
          case BindingSpec.PLAIN_TEXT -> o.put("text", b.text());
          case BindingSpec.JSON -> {
            try {
              o.set("json", Envelope.JSON.readTree(b.text()));
            } catch (java.io.IOException e) {
              o.put("json", b.text());
            }
          }
          case BindingSpec.SERVICE ->
              o.put("service", b.service()).put("environment", "production");
          default -> {}
        }
      }
    }
    secretNames.forEach(n -> out.addObject().put("name", n).put("type", BindingSpec.SECRET_TEXT));
    return out;
  }

  static ObjectNode deployment(Deployment d, String author) {
    ObjectNode o = Envelope.JSON.createObjectNode();
    o.put("id", d.id());
    o.put("source", d.source());
    o.put("strategy", "percentage");
    o.put("author_email", author);
    o.put("created_on", d.created());
    ObjectNode annotations = o.putObject("annotations");
    d.annotations().forEach(annotations::put);
    ArrayNode versions = o.putArray("versions");
    d.versions()
        .forEach(
            s ->
                versions
                    .addObject()
                    .put("version_id", s.versionId())
                    .put("percentage", s.percentage()));
    return o;
  }

  static ObjectNode settings(ScriptRecord script, Version active, List<String> secretNames) {
    ObjectNode o = Envelope.JSON.createObjectNode();
    o.set("bindings", bindings(active, secretNames));
    o.put("compatibility_date", active == null ? null : active.compatibilityDate());
    ArrayNode flags = o.putArray("compatibility_flags");
    if (active != null) {
      active.compatibilityFlags().forEach(flags::add);
    }
    o.put("logpush", false);
    o.putObject("placement");
    o.putArray("tail_consumers");
    o.put("usage_model", "standard");
    o.putObject("observability").put("enabled", false);
    o.putArray("tags");
    if (script.settings != null) {
      script.settings.fields().forEachRemaining(e -> o.set(e.getKey(), e.getValue()));
    }
    return o;
  }
}
