package dev.gantry.operator.minicluster;

/**
 * ZeroMQ's Z85 encoding (RFC 32): 4 bytes, big-endian, to 5 characters of an 85-letter alphabet.
 */
public final class Z85 {
  private static final char[] ALPHABET =
      ("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + ".-:+=^!/*?&<>()[]{}@%$#")
          .toCharArray();
  private static final int[] DECODE = new int[128];

  static {
    java.util.Arrays.fill(DECODE, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      DECODE[ALPHABET[i]] = i;
    }
  }

  private Z85() {}

  public static String encode(byte[] data) {
    if (data.length % 4 != 0) {
      throw new IllegalArgumentException(
          "Z85 encodes whole 4-byte groups; got " + data.length + " bytes");
    }
    StringBuilder out = new StringBuilder(data.length * 5 / 4);
    for (int i = 0; i < data.length; i += 4) {
      long value =
          ((data[i] & 0xFFL) << 24)
              | ((data[i + 1] & 0xFFL) << 16)
              | ((data[i + 2] & 0xFFL) << 8)
              | (data[i + 3] & 0xFFL);
      char[] group = new char[5];
      for (int j = 4; j >= 0; j--) {
        group[j] = ALPHABET[(int) (value % 85)];
        value /= 85;
      }
      out.append(group);
    }
    return out.toString();
  }

  public static byte[] decode(String text) {
    if (text.length() % 5 != 0) {
      throw new IllegalArgumentException(
          "Z85 text comes in 5-character groups; got " + text.length());
    }
    byte[] out = new byte[text.length() * 4 / 5];
    for (int i = 0, o = 0; i < text.length(); i += 5, o += 4) {
      long value = 0;
      for (int j = 0; j < 5; j++) {
        char c = text.charAt(i + j);
        int digit = c < 128 ? DECODE[c] : -1;
        if (digit < 0) {
          throw new IllegalArgumentException("not a Z85 character: '" + c + "'");
        }
        value = value * 85 + digit;
      }
      if (value > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("Z85 group out of range at " + i);
      }
      out[o] = (byte) (value >>> 24);
      out[o + 1] = (byte) (value >>> 16);
      out[o + 2] = (byte) (value >>> 8);
      out[o + 3] = (byte) value;
    }
    return out;
  }
}
