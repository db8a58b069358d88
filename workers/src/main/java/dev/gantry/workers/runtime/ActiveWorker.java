package dev.gantry.workers.runtime;

import dev.gantry.workers.model.Split;
import dev.gantry.workers.model.Version;
import dev.gantry.workers.model.WorkerKey;
import java.util.List;
import java.util.Map;

/**
 * What one worker should serve now: its active deployment's versions and split, its secrets, and
 * where its host name is.
 *
 * @param key the worker
 * @param subdomain the account's subdomain: the worker answers at script.subdomain.domain
 * @param routable whether that host name is on (wrangler turns it on with the subdomain call)
 * @param split the active deployment's versions and percentages
 * @param versions those versions
 * @param secrets secret_text bindings, by name
 * @param tailed whether someone is tailing it ({@code wrangler tail}): its runtime then sends trace
 *     events of every request, which costs, so only then
 */
public record ActiveWorker(
    WorkerKey key,
    String subdomain,
    boolean routable,
    List<Split> split,
    List<Version> versions,
    Map<String, String> secrets,
    boolean tailed) {}
