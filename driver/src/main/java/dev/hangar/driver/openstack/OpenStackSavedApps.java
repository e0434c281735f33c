package dev.hangar.driver.openstack;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.DeploymentOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openstack4j.model.compute.Flavor;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.image.v2.Image;

/**
 * SaveApp as a Nova server image: a Glance image of the source server's root disk (Nova's
 * createImage, running or stopped: Nova quiesces what it can), its properties set at creation
 * mark it a saved app of the saved sandbox, with the app and the SaveApp's actionId, so that a
 * retry of the same action finds it. It deploys through {@code OpenStack Instance} with Image =
 * the new image's id, Flavor = the source server's flavor now, and the source app's other
 * attributes. A failed or cancelled save deletes the image it made. DeleteSavedApp deletes the
 * artifacts' images, checking each is a saved app of that saved sandbox; one already gone is
 * success.
 */
final class OpenStackSavedApps implements SavedAppService {
  static final String PATH = DeploymentOptions.OPENSTACK_INSTANCE.name();
  private final OsSession s;
  private final Servers servers;
  private final ServerImages images;

  OpenStackSavedApps(OsSession s) {
    this.s = s;
    this.servers = new Servers(s);
    this.images = new ServerImages(s);
  }

  @Override
  public SavedApp save(SaveAppRequest r, CommandScope scope) {
    if (r.savedSandboxId() == null || r.savedSandboxId().isBlank()) {
      throw new ClientException("SaveApp of app '" + r.sourceAppName() + "' has no"
          + " savedSandboxId");
    }
    Server server = servers.live(r.sourceVmUuid()).orElseThrow(() -> new ClientException(
        "cannot save app '" + r.sourceAppName() + "': its server " + r.sourceVmUuid()
        + " no longer exists in OpenStack at " + s.settings().keystoneUrl()));
    Map<String, String> marks = Marks.savedAppImage(r.savedSandboxId(), r.sourceAppName(),
        r.actionId());
    Image image = null;
    for (Image earlier : images.find(Map.of(Marks.KIND, Marks.SAVED_APP_KIND,
        Marks.SAVED_SANDBOX, r.savedSandboxId(), Marks.ACTION, r.actionId()))) {
      if (image == null && earlier.getStatus() == Image.ImageStatus.ACTIVE) {
        image = earlier; // a retry of this SaveApp: the first attempt finished
      } else {
        images.delete(earlier.getId()); // an attempt that did not finish
      }
    }
    if (image == null) {
      scope.progress("saving app '" + r.sourceAppName() + "': an image of server "
          + server.getId());
      servers.awaitIdle(server.getId(), scope);
      image = images.capture(server.getId(), imageName(r), marks, scope);
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    for (AttributeSpec spec : DeploymentOptions.OPENSTACK_INSTANCE.attributes()) {
      String v = r.deploymentPathAttributes().get(spec.name());
      if (v != null) {
        attributes.put(spec.name(), v);
      }
    }
    attributes.put("Image", image.getId());
    String flavor = flavorName(server);
    if (!flavor.isEmpty()) {
      attributes.put("Flavor", flavor);
    }
    return new SavedApp(List.of(new Artifact(image.getId(), image.getName())), PATH,
        attributes, Map.of("Source Server", server.getId()));
  }

  @Override
  public void delete(DeleteSavedAppRequest r, CommandScope scope) {
    String sandbox = r.savedSandboxId() == null ? "" : r.savedSandboxId();
    List<String> refused = new ArrayList<>();
    for (Artifact a : r.artifacts()) {
      if (a.ref() == null || a.ref().isBlank()) {
        continue;
      }
      Image image = images.get(a.ref()).orElse(null);
      if (image == null) {
        continue; // already gone
      }
      String owner = image.getAdditionalPropertyValue(Marks.SAVED_SANDBOX);
      if (!Marks.SAVED_APP_KIND.equals(image.getAdditionalPropertyValue(Marks.KIND))
          || !sandbox.equals(owner)) {
        refused.add(a.ref());
        continue;
      }
      scope.progress("deleting image " + a.ref() + " of saved app '" + r.savedAppName() + "'");
      images.delete(a.ref());
    }
    if (!refused.isEmpty()) {
      throw new ClientException("image(s) " + String.join(", ", refused) + " of saved app '"
          + r.savedAppName() + "' are not Hangar's saved app images of saved sandbox '"
          + sandbox + "': not deleted");
    }
  }

  private String flavorName(Server server) {
    if (server.getFlavorId() == null) {
      return "";
    }
    Flavor f = s.call("read flavor " + server.getFlavorId(), () -> s.os().compute().flavors()
        .get(server.getFlavorId()));
    return f == null || f.getName() == null ? "" : f.getName();
  }

  private static String imageName(SaveAppRequest r) {
    String n = "hangar-saved " + r.sourceAppName() + " " + r.savedSandboxId();
    return n.length() > 255 ? n.substring(0, 255) : n;
  }
}
