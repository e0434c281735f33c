package dev.hangar.driver.openstack;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.spi.CommandScope;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openstack4j.model.image.v2.Image;

/**
 * Glance images of Nova servers (Nova's createImage), the stuff of snapshots and saved apps:
 * make one with Hangar's marks as properties set at creation, wait until it is active, find
 * them by their marks, delete them (an image already gone is success).
 */
final class ServerImages {
  private final OsSession s;
  private final Servers servers;

  ServerImages(OsSession s) {
    this.s = s;
    this.servers = new Servers(s);
  }

  /**
   * Makes an image of the server named {@code name} with {@code marks} as its properties and
   * waits until Glance has it active and Nova is done with the server. A failure or a
   * cancellation deletes the image before it throws. Returns the image.
   */
  Image capture(String serverId, String name, Map<String, String> marks, CommandScope scope) {
    scope.checkCancelled("imaging server " + serverId);
    String id = s.call("create an image of server " + serverId, () -> s.os().compute().servers()
        .createSnapshot(serverId, name, marks));
    if (id == null || id.isEmpty()) {
      throw BackendException.failed("create an image of server " + serverId + ": Nova answered"
          + " no image", null);
    }
    try {
      Image done = awaitActive(id, scope);
      servers.awaitIdle(serverId, scope);
      // a command cancelled while the image was being made does not keep it
      scope.checkCancelled("keeping image " + id);
      return done;
    } catch (RuntimeException e) {
      boolean cancelled = e instanceof CommandCancelledException;
      try {
        delete(id);
      } catch (RuntimeException undo) {
        e.addSuppressed(undo);
        throw BackendException.failed(e.getMessage() + "; and image " + id + " it made could"
            + " not be deleted (" + undo.getMessage() + "): delete it by hand", e);
      }
      if (cancelled) {
        throw e;
      }
      throw e instanceof dev.hangar.driver.HangarException ? e : BackendException.failed(
          "imaging server " + serverId + ": internal error", e);
    }
  }

  /** The image, or empty when Glance has none by that id (or only a deleted one). */
  Optional<Image> get(String id) {
    Image image = s.call("read image " + id, () -> s.os().imagesV2().get(id));
    if (image == null || image.getStatus() == Image.ImageStatus.DELETED
        || image.getStatus() == Image.ImageStatus.PENDING_DELETE) {
      return Optional.empty();
    }
    return Optional.of(image);
  }

  /** The images whose properties have these values, oldest first. */
  List<Image> find(Map<String, String> properties) {
    Map<String, String> query = new LinkedHashMap<>(properties);
    query.put("limit", "1000");
    List<? extends Image> found = s.call("list images by " + properties.keySet(), () -> s.os()
        .imagesV2().list(query));
    return found.stream()
        .filter(i -> properties.entrySet().stream().allMatch(e ->
            e.getValue().equals(i.getAdditionalPropertyValue(e.getKey()))))
        .filter(i -> i.getStatus() != Image.ImageStatus.DELETED
            && i.getStatus() != Image.ImageStatus.PENDING_DELETE)
        .sorted(Comparator.comparing((Image i) -> created(i)).thenComparing(Image::getId))
        .map(i -> (Image) i).toList();
  }

  /** Deletes the image; false when it was already gone. */
  boolean delete(String id) {
    return s.action("delete image " + id, true, () -> s.os().imagesV2().delete(id));
  }

  private Image awaitActive(String id, CommandScope scope) {
    long deadline = OsSession.deadline(s.timeouts().active());
    while (true) {
      Image image = get(id).orElseThrow(() -> BackendException.failed("image " + id
          + " disappeared while Nova was uploading it", null));
      switch (image.getStatus() == null ? Image.ImageStatus.UNRECOGNIZED : image.getStatus()) {
        case ACTIVE -> {
          return image;
        }
        case KILLED, DEACTIVATED -> throw BackendException.failed("image " + id + " went to "
            + image.getStatus() + " while Nova was uploading it", null);
        default -> { }
      }
      if (OsSession.passed(deadline)) {
        throw new BackendException("image " + id + " was not active after "
            + s.timeouts().active().toSeconds() + " s (it is " + image.getStatus() + ")", true,
            false, null);
      }
      s.pause(scope, "image " + id + " to be active");
    }
  }

  private static Date created(Image i) {
    return i.getCreatedAt() == null ? new Date(0) : i.getCreatedAt();
  }
}
