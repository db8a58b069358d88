package dev.gantry.workers.upload;

/**
 * One uploaded module.
 *
 * @param name its name, as the worker imports it (the part's name)
 * @param kind what it is
 * @param content its bytes
 */
public record Module(String name, ModuleKind kind, byte[] content) {}
