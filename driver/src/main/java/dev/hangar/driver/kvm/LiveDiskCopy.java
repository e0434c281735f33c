package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.spi.CommandScope;
import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.libvirt.Domain;
import org.libvirt.DomainBlockJobInfo;
import org.libvirt.LibvirtException;
import org.libvirt.TypedParameter;
import org.libvirt.TypedUlongParameter;

/**
 * A full copy of a running VM's disk by qemu (libvirt's block copy: drive-mirror with
 * {@code sync=full}) into an existing, empty qcow2 file of the same size. The copy reads through
 * the disk's backing chain, so it is flat. When the mirror is in step (libvirt reports
 * {@code cur == end}), cancelling the job (abort without pivot) leaves the destination as the
 * disk was at that instant, and the VM keeps its own disk: a crash-consistent point-in-time copy
 * with no pause of the guest.
 */
final class LiveDiskCopy {
  /** VIR_DOMAIN_BLOCK_COPY_REUSE_EXT | VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB. */
  private static final int REUSE_EXT = 2;
  private static final int TRANSIENT_JOB = 4;

  private LiveDiskCopy() {}

  /**
   * Copies the disk; false (and nothing started) when the hypervisor's driver has no block copy
   * (libvirt's test driver).
   */
  static boolean copy(Hypervisor host, Domain domain, String target, String destPath,
      KvmTimeouts timeouts, CommandScope scope) throws LibvirtException {
    String dest = destXml(destPath);
    // A persistent domain's copy job must be transient (it does not survive a qemu restart).
    try {
      host.change(() -> {
        domain.blockCopy(target, dest, new TypedParameter[] {
            new TypedUlongParameter("bandwidth", 0)}, REUSE_EXT | TRANSIENT_JOB);
        return null;
      });
    } catch (LibvirtException e) {
      if (e.getError() != null && e.getError().getCode()
          == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_SUPPORT) {
        return false;
      }
      throw e;
    }
    try {
      while (true) {
        DomainBlockJobInfo info = domain.getBlockJobInfo(target, 0);
        if (info.end == 0 && info.cur == 0 && info.type == 0) {
          throw BackendException.failed("the copy job of disk " + target + " on " + host.uri()
              + " ended before its copy was complete", null);
        }
        if (info.end > 0 && info.cur == info.end) {
          break;
        }
        if (scope.isCancelled()) {
          throw new CommandCancelledException("SaveApp was cancelled during the copy of disk "
              + target);
        }
        try {
          timeouts.sleeper().sleep(timeouts.poll());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CommandCancelledException("interrupted while copying disk " + target);
        }
      }
    } catch (RuntimeException | LibvirtException e) {
      try {
        domain.blockJobAbort(target, 0);
      } catch (LibvirtException ignored) {
        // no job left: nothing to stop
      }
      throw e;
    }
    // In step: cancelling now freezes the copy at this instant (no pivot: the VM keeps its disk).
    host.change(() -> {
      domain.blockJobAbort(target, 0);
      return null;
    });
    return true;
  }

  private static String destXml(String path) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      w.writeStartElement("disk");
      w.writeAttribute("type", "file");
      w.writeEmptyElement("driver");
      w.writeAttribute("name", "qemu");
      w.writeAttribute("type", "qcow2");
      w.writeEmptyElement("source");
      w.writeAttribute("file", path);
      w.writeEndElement();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }
}
