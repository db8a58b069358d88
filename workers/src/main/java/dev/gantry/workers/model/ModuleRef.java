package dev.gantry.workers.model;

import dev.gantry.workers.upload.ModuleKind;

/**
 * A module of a version, its bytes in the object store under {@code key} (content-addressed).
 *
 * @param name as the worker imports it
 * @param kind what it is
 * @param key the object store key
 * @param sha256 hex digest of the bytes
 * @param size bytes
 */
public record ModuleRef(String name, ModuleKind kind, String key, String sha256, long size) {}
