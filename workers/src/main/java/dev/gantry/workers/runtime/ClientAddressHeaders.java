package dev.gantry.workers.runtime;

import java.nio.charset.StandardCharsets;

/**
 * The headers in which the router tells a worker who its client is, as Cloudflare's edge does:
 * {@code CF-Connecting-IP} is set by the router alone (a value the client sent is dropped, or any
 * client could claim any address), {@code X-Forwarded-For} is appended to (proxies in front of the
 * router keep their entries first).
 */
public final class ClientAddressHeaders {
  /** Lower case, as the router compares header names. */
  static final String CONNECTING_IP = "cf-connecting-ip";

  private ClientAddressHeaders() {}

  /** The header lines the router adds for a client at {@code address}, each ending in CRLF. */
  public static String lines(String address) {
    return "CF-Connecting-IP: " + address + "\r\nX-Forwarded-For: " + address + "\r\n";
  }

  static byte[] bytes(String address) {
    return lines(address).getBytes(StandardCharsets.ISO_8859_1);
  }
}
