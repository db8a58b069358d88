package dev.gantry.workers.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.workers.upload.BindingSpec;
import java.util.List;
import java.util.Map;

/**
 * An immutable, content-addressed version of a worker: the same upload always has the same id.
 *
 * @param id a UUID derived from the content
 * @param number 1, 2, ... in order of first upload
 * @param created ISO-8601
 * @param mainModule the entry module or body part
 * @param serviceWorker service-worker format
 * @param compatibilityDate as uploaded
 * @param compatibilityFlags as uploaded
 * @param bindings plain_text, json and service bindings (secrets live apart)
 * @param modules the modules, the entry first
 * @param metadata the upload's metadata as sent, secret values removed
 * @param annotations workers/message, workers/tag, ... as wrangler sent them
 */
public record Version(
    String id,
    int number,
    String created,
    String mainModule,
    boolean serviceWorker,
    String compatibilityDate,
    List<String> compatibilityFlags,
    List<BindingSpec> bindings,
    List<ModuleRef> modules,
    ObjectNode metadata,
    Map<String, String> annotations) {}
