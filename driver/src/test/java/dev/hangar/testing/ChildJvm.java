package dev.hangar.testing;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM that runs a main class on this JVM's (the tests') class path. */
public final class ChildJvm {
  private ChildJvm() {}

  /** {@code java [jvmArgs] -cp <this class path> main args...}. */
  public static List<String> command(List<String> jvmArgs, Class<?> main, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * This JVM's class path: the system one (surefire's), plus the URLs of any class loader that
   * loaded the tests (an IDE's or a console launcher's).
   */
  public static String classPath() {
    List<String> entries = new ArrayList<>(List.of(
        System.getProperty("java.class.path").split(File.pathSeparator)));
    for (ClassLoader l = ChildJvm.class.getClassLoader(); l != null; l = l.getParent()) {
      if (l instanceof URLClassLoader u) {
        for (URL url : u.getURLs()) {
          try {
            entries.add(Path.of(url.toURI()).toString());
          } catch (URISyntaxException e) {
            throw new IllegalStateException("class path entry " + url, e);
          }
        }
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
