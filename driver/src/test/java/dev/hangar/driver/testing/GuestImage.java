package dev.hangar.driver.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test guest of {@code bin/guest-image}: Debian's kernel and a busybox initramfs whose init
 * DHCPs every NIC (udhcpc, retrying) and answers ping. Built once and cached in
 * {@code ${XDG_CACHE_HOME:-~/.cache}/hangar/guest/image-<hash of the script>} (bin/deps vm/all
 * builds it too).
 *
 * @param kernel the kernel for {@code <os><kernel>}
 * @param initrd the initramfs for {@code <os><initrd>}
 * @param disk the same guest on a bootable qcow2 disk (syslinux), a template volume
 */
public record GuestImage(Path kernel, Path initrd, Path disk) {
  /** Kernel command line: serial console, little boot noise. */
  public static final String CMDLINE = "console=ttyS0 quiet";
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

  /**
   * Runs {@code bin/guest-image} of this checkout (found through the system property
   * {@code hangar.home}, which surefire sets, else upwards from the working directory): a
   * no-op when the image is built, otherwise it downloads the kernel package (once) and builds.
   */
  public static GuestImage build() throws IOException {
    Path script = repoRoot().resolve("bin/guest-image");
    Path log = Files.createTempFile("hangar-guest-image-", ".log");
    Path stdout = Files.createTempFile("hangar-guest-image-", ".out");
    try {
      Process p = new ProcessBuilder(script.toString()).redirectError(log.toFile())
          .redirectOutput(stdout.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(script + " did not finish within " + BUILD_TIMEOUT);
      }
      if (p.exitValue() != 0) {
        throw new IOException(script + " failed (" + p.exitValue() + "): "
            + Files.readString(log).strip());
      }
      String out = Files.readString(stdout, StandardCharsets.UTF_8);
      List<String> lines = out.strip().lines().toList();
      if (lines.isEmpty()) {
        throw new IOException(script + " printed no directory");
      }
      Path dir = Path.of(lines.get(lines.size() - 1));
      GuestImage image = new GuestImage(dir.resolve("vmlinuz"), dir.resolve("initrd.img"),
          dir.resolve("disk.qcow2"));
      if (!Files.isRegularFile(image.kernel()) || !Files.isRegularFile(image.initrd())
          || !Files.isRegularFile(image.disk())) {
        throw new IOException(script + " did not leave vmlinuz, initrd.img and disk.qcow2 in "
            + dir);
      }
      return image;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while building the guest image", e);
    } finally {
      Files.deleteIfExists(log);
      Files.deleteIfExists(stdout);
    }
  }

  /**
   * A {@code <domain type='qemu'>} booting this kernel and initramfs directly: 256 MiB, one
   * vCPU, serial console to {@code consoleLog}, no disk, and {@code devicesXml} (the NICs)
   * added to {@code <devices>}.
   */
  public String domainXml(String name, String devicesXml, Path consoleLog) {
    return """
        <domain type='qemu'>
          <name>%s</name>
          <memory unit='MiB'>256</memory>
          <vcpu>1</vcpu>
          <os>
            <type arch='x86_64'>hvm</type>
            <kernel>%s</kernel>
            <initrd>%s</initrd>
            <cmdline>%s</cmdline>
          </os>
          <features><acpi/></features>
          <clock offset='utc'/>
          <on_poweroff>destroy</on_poweroff>
          <on_reboot>restart</on_reboot>
          <on_crash>destroy</on_crash>
          <devices>
            <emulator>/usr/bin/qemu-system-x86_64</emulator>
        %s
            <serial type='file'><source path='%s'/><target port='0'/></serial>
            <memballoon model='none'/>
          </devices>
        </domain>
        """.formatted(name, kernel, initrd, CMDLINE, devicesXml.strip().indent(4).stripTrailing(),
        consoleLog);
  }

  private static Path repoRoot() throws IOException {
    String home = System.getProperty("hangar.home");
    if (home != null && !home.isBlank()) {
      return Path.of(home).toAbsolutePath().normalize();
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isExecutable(d.resolve("bin/guest-image"))) {
        return d;
      }
    }
    throw new IOException("cannot find the checkout (bin/guest-image): set -Dhangar.home");
  }
}
