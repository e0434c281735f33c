package dev.hangar.pack;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of the shell's Python driver, which the execution server imports: {@code driver.py}
 * (the class drivermetadata.xml names), {@code hangar_bridge.py}, {@code requirements.txt}
 * (from {@code shell/src/}) and the {@code hangar.v1} modules protoc generated from
 * {@code proto/} at build time; all read from this jar's {@code hangar-python/} resources.
 */
public final class PythonDriver {
  /** The module and class drivermetadata.xml names. */
  public static final String MAIN_CLASS = "driver.HangarCloudProviderDriver";
  private static final String ROOT = "/hangar-python/";
  private static final List<String> FILES = List.of("driver.py", "hangar_bridge.py",
      "requirements.txt", "hangar/v1/cloud_provider_pb2.py");
  /** Package markers, so the modules import on any Python 3 (and tools see packages). */
  private static final List<String> PACKAGES = List.of("hangar/__init__.py",
      "hangar/v1/__init__.py");

  private PythonDriver() {}

  /** File name in the driver zip to its bytes, in a fixed order. */
  public static Map<String, byte[]> files() throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (String f : FILES) {
      try (InputStream in = PythonDriver.class.getResourceAsStream(ROOT + f)) {
        if (in == null) {
          throw new IOException("the Python driver file " + f + " is not in this build (mvn"
              + " generates it from proto/ and copies shell/src/); rebuild the jar");
        }
        out.put(f, in.readAllBytes());
      }
    }
    for (String p : PACKAGES) {
      out.put(p, new byte[0]);
    }
    return out;
  }
}
