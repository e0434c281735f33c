package dev.hangar.pack;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * The shell's icon, drawn in code (a hangar: a vaulted roof over an open door) and written as a
 * PNG by hand, so the repository carries no binary and the bytes are the same on every build.
 */
public final class ShellIcon {
  public static final int SIZE = 64;
  private static final int[] ROOF = {0x1f, 0x4e, 0x79};
  private static final int[] DOOR = {0xf2, 0xa9, 0x00};

  private ShellIcon() {}

  /** The PNG bytes (64x64, RGBA). */
  public static byte[] png() {
    byte[] raw = new byte[SIZE * (1 + SIZE * 4)];
    int i = 0;
    for (int y = 0; y < SIZE; y++) {
      raw[i++] = 0; // filter: none
      for (int x = 0; x < SIZE; x++) {
        int[] rgb = pixel(x, y);
        raw[i++] = (byte) (rgb == null ? 0 : rgb[0]);
        raw[i++] = (byte) (rgb == null ? 0 : rgb[1]);
        raw[i++] = (byte) (rgb == null ? 0 : rgb[2]);
        raw[i++] = (byte) (rgb == null ? 0 : 0xff);
      }
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      ByteArrayOutputStream header = new ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(header);
      h.writeInt(SIZE);
      h.writeInt(SIZE);
      h.write(new byte[] {8, 6, 0, 0, 0}); // 8-bit RGBA, deflate, no filter choice, no interlace
      chunk(out, "IHDR", header.toByteArray());
      ByteArrayOutputStream compressed = new ByteArrayOutputStream();
      try (DeflaterOutputStream z = new DeflaterOutputStream(compressed,
          new Deflater(Deflater.BEST_COMPRESSION))) {
        z.write(raw);
      }
      chunk(out, "IDAT", compressed.toByteArray());
      chunk(out, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The colour at (x, y), or null for transparent. */
  private static int[] pixel(int x, int y) {
    double cx = SIZE / 2.0 - 0.5;
    double floor = SIZE - 8;
    double radius = SIZE / 2.0 - 4;
    double dx = x - cx;
    double dy = y - floor;
    boolean underVault = y <= floor && dx * dx + dy * dy <= radius * radius;
    if (!underVault) {
      return null;
    }
    boolean door = Math.abs(dx) < radius * 0.45 && y > floor - radius * 0.55;
    return door ? DOOR : ROOF;
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data)
      throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    d.writeInt(data.length);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }
}
