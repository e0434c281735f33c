package dev.hangar.driver.aws;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.Rollback;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.options.DeploymentOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageState;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * SaveApp as an AMI: CreateImage of the source instance, tagged in the call with the saved
 * sandbox id, the source app and instance and the SaveApp's actionId; its EBS snapshots get the
 * same tags plus the image id once the image lists them. The artifact's ref is the AMI id, and the
 * saved app deploys through {@code AWS EC2 Instance} with {@code AWS AMI Id} set to it.
 *
 * <p>CreateImage runs with NoReboot off: EC2 shuts the instance down for the snapshot and boots it
 * again, so the image holds a cleanly unmounted file system, at the price of the app's downtime
 * during the save (a saved sandbox is a copy to deploy again, where a file system that needs
 * repair is worse than a short outage).
 *
 * <p>The snapshots are tagged by CreateTags after CreateImage rather than in its
 * TagSpecifications: EC2 takes both, but moto (the EC2 peer of the tests) implements only the
 * image's. Until then the image, tagged in its call, leads to them through its block device
 * mappings, which is how DeleteSavedApp finds them; the tags find them once the image is gone.
 */
final class SavedAmis implements SavedAppService {
  static final String AMI_ID = "AWS AMI Id";
  /** The longest wait for an image to become available (EC2 copies every volume). */
  static final Duration IMAGE_BOUND = Duration.ofMinutes(60);
  private final Ec2Session s;
  private final Instances instances;

  SavedAmis(Ec2Session s) {
    this.s = s;
    this.instances = new Instances(s);
  }

  @Override
  public SavedApp save(SaveAppRequest r, CommandScope scope) {
    String source = r.sourceVmUuid() == null ? "" : r.sourceVmUuid().strip();
    String app = r.sourceAppName() == null ? "" : r.sourceAppName();
    if (source.isEmpty() || r.savedSandboxId() == null || r.savedSandboxId().isBlank()) {
      throw new ClientException("SaveApp " + r.actionId() + " of app '" + app + "' needs the"
          + " source VM's id and the saved sandbox id");
    }
    Instance i = instances.get(source).orElseThrow(() -> new ClientException("cannot save app '"
        + app + "': its instance " + source + " no longer exists in region "
        + s.settings().region()));
    String name = imageName(r);
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(Tags.NAME, shorten("saved " + app));
    tags.put(Tags.ROLE, Tags.ROLE_SAVED_APP);
    tags.put(Tags.SAVED_SANDBOX, r.savedSandboxId());
    tags.put(Tags.APP, shorten(app));
    tags.put(Tags.SOURCE_INSTANCE, i.instanceId());
    tags.put(Tags.ACTION, shorten(r.actionId()));
    Rollback rollback = new Rollback();
    try {
      scope.checkCancelled("saving app '" + app + "'");
      scope.progress("saving app '" + app + "': creating image " + name + " of " + source
          + " (the instance reboots)");
      String imageId = create(i.instanceId(), name, r, tags);
      rollback.push("deregister image " + imageId, () -> remove(imageId, r.savedSandboxId(),
          true));
      Image image = awaitAvailable(imageId, scope);
      scope.checkCancelled("tagging the snapshots of image " + imageId);
      List<String> snapshots = snapshotIds(image);
      if (!snapshots.isEmpty()) {
        Map<String, String> snapshotTags = new LinkedHashMap<>(tags);
        snapshotTags.put(Tags.IMAGE, imageId);
        s.run("tag the snapshots of image " + imageId, () -> s.ec2().createTags(q -> q
            .resources(snapshots).tags(Tags.list(snapshotTags))));
      }
      rollback.commit();
      Map<String, String> attributes = new LinkedHashMap<>(r.deploymentPathAttributes());
      attributes.put(AMI_ID, imageId);
      Map<String, String> additional = new LinkedHashMap<>();
      additional.put("Region", s.settings().region());
      additional.put("Source Instance", i.instanceId());
      additional.put("Snapshot IDs", String.join(",", snapshots));
      return new SavedApp(List.of(new Artifact(imageId, name)),
          DeploymentOptions.AWS_EC2_INSTANCE.name(), attributes, additional);
    } catch (RuntimeException e) {
      throw rollback.undoAfter(e);
    }
  }

  /**
   * Deregisters each artifact's image and deletes its snapshots. An image already gone is
   * success (its snapshots, found by tag, still go); an image that is not a Hangar saved app of
   * this saved sandbox is left alone, with a client error.
   */
  @Override
  public void delete(DeleteSavedAppRequest r, CommandScope scope) {
    for (Artifact a : r.artifacts()) {
      String ref = a.ref() == null ? "" : a.ref().strip();
      if (!ref.startsWith("ami-")) {
        throw new ClientException("DeleteSavedApp of '" + r.savedAppName() + "': artifact '"
            + ref + "' is not an AMI id (ami-...)");
      }
      scope.progress("deleting image " + ref + " of saved app '" + r.savedAppName() + "'");
      remove(ref, r.savedSandboxId(), false);
    }
  }

  /**
   * CreateImage; a retried SaveApp gets the image an earlier attempt made (its name is fixed by
   * the action: found by name first, and EC2's "duplicate name" covers a race with the earlier
   * attempt).
   */
  private String create(String instanceId, String name, SaveAppRequest r,
      Map<String, String> tags) {
    Optional<String> earlier = byName(name, r.savedSandboxId());
    if (earlier.isPresent()) {
      return earlier.get();
    }
    try {
      return s.ec2().createImage(q -> q.instanceId(instanceId).name(name).noReboot(false)
          .description(shorten("Hangar saved app '" + r.sourceAppName() + "' of saved sandbox "
              + r.savedSandboxId()))
          .tagSpecifications(Tags.spec(ResourceType.IMAGE, tags))).imageId();
    } catch (SdkException e) {
      if ("InvalidAMIName.Duplicate".equals(Ec2Errors.code(e))) {
        earlier = byName(name, r.savedSandboxId());
        if (earlier.isPresent()) {
          return earlier.get();
        }
      }
      throw Ec2Errors.wrap("create an image of " + instanceId, e, s.settings());
    }
  }

  /** The account's image of that name made for that saved sandbox, if any. */
  private Optional<String> byName(String name, String savedSandboxId) {
    return s.call("find image " + name, () -> s.ec2().describeImages(q -> q.owners("self")
        .filters(Tags.filter("name", name), Tags.tag(Tags.SAVED_SANDBOX, savedSandboxId)))
        .images()).stream().map(Image::imageId).findFirst();
  }

  private Image awaitAvailable(String imageId, CommandScope scope) {
    long deadline = s.deadline(IMAGE_BOUND);
    String last = "";
    for (int attempt = 0; ; attempt++) {
      Optional<Image> image = find(imageId);
      if (image.isPresent()) {
        ImageState state = image.get().state();
        if (state == ImageState.AVAILABLE) {
          return image.get();
        }
        if (state == ImageState.FAILED || state == ImageState.INVALID
            || state == ImageState.DEREGISTERED || state == ImageState.ERROR) {
          String why = image.get().stateReason() == null ? ""
              : ": " + image.get().stateReason().message();
          throw BackendException.failed("image " + imageId + " is " + state + why, null);
        }
        last = String.valueOf(state);
      } else {
        last = "not visible yet";
      }
      if (s.now() >= deadline) {
        throw Ec2Session.timedOut("image " + imageId + " becoming available", IMAGE_BOUND,
            last);
      }
      s.pause(scope, "image " + imageId + " becoming available", attempt);
    }
  }

  /** The image, or empty when EC2 does not know it (any more). */
  private Optional<Image> find(String imageId) {
    try {
      return s.ec2().describeImages(q -> q.imageIds(imageId)).images().stream().findFirst();
    } catch (SdkException e) {
      if (Ec2Errors.notFound(e) || "InvalidAMIID.Unavailable".equals(Ec2Errors.code(e))
          || "InvalidAMIID.Malformed".equals(Ec2Errors.code(e))) {
        return Optional.empty();
      }
      throw Ec2Errors.wrap("read image " + imageId, e, s.settings());
    }
  }

  /**
   * Deregisters the image and deletes its snapshots: those of its mappings, or, when the image
   * is already gone, those tagged with it (a retried delete). {@code ours}: made by this
   * command, no tag check.
   */
  private void remove(String imageId, String savedSandboxId, boolean ours) {
    Optional<Image> image = find(imageId);
    java.util.Set<String> snapshots = new java.util.LinkedHashSet<>();
    if (image.isPresent()) {
      String owner = Tags.value(image.get().tags(), Tags.SAVED_SANDBOX);
      if (!ours && !owner.equals(savedSandboxId)) {
        throw new ClientException("image " + imageId + " is not a Hangar saved app of saved"
            + " sandbox " + savedSandboxId + (owner.isEmpty() ? "" : " (it is of " + owner + ")")
            + "; left alone");
      }
      snapshots.addAll(snapshotIds(image.get()));
      s.delete("deregister image " + imageId, () -> s.ec2().deregisterImage(q -> q
          .imageId(imageId)));
    } else {
      // Gone: an earlier delete may have deregistered it and stopped before its snapshots.
      s.call("find the snapshots of image " + imageId, () -> s.ec2().describeSnapshots(q -> q
          .ownerIds("self").filters(Tags.tag(Tags.IMAGE, imageId))).snapshots())
          .forEach(snap -> snapshots.add(snap.snapshotId()));
    }
    for (String snap : snapshots) {
      s.delete("delete snapshot " + snap + " of image " + imageId, () -> s.ec2()
          .deleteSnapshot(q -> q.snapshotId(snap)));
    }
  }

  private static List<String> snapshotIds(Image image) {
    return image.blockDeviceMappings().stream().map(BlockDeviceMapping::ebs)
        .filter(e -> e != null && e.snapshotId() != null).map(e -> e.snapshotId()).distinct()
        .toList();
  }

  /**
   * The AMI's name: unique per SaveApp action and within EC2's alphabet (letters, digits and
   * {@code ( ) [ ] . / - ' @ _}, 3 to 128 characters).
   */
  static String imageName(SaveAppRequest r) {
    String app = (r.sourceAppName() == null ? "app" : r.sourceAppName())
        .replaceAll("[^A-Za-z0-9()\\[\\]./'@_-]", "_");
    String sandbox = r.savedSandboxId().replaceAll("[^A-Za-z0-9()\\[\\]./'@_-]", "_");
    String name = "hangar-" + sandbox + "-" + app;
    name = name.length() > 110 ? name.substring(0, 110) : name;
    return name + "-" + DeployPlan.shortHash(r.savedSandboxId() + "/" + r.actionId());
  }

  private static String shorten(String text) {
    String t = text == null ? "" : text;
    return t.length() > 255 ? t.substring(0, 255) : t;
  }
}
