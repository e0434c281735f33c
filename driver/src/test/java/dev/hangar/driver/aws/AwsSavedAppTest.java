package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsSnapshotsTest.tags;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.internal.SecretRedactor;
import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.driver.spi.SavedAppService.Artifact;
import dev.hangar.driver.spi.SavedAppService.DeleteSavedAppRequest;
import dev.hangar.driver.spi.SavedAppService.SaveAppRequest;
import dev.hangar.driver.spi.SavedAppService.SavedApp;
import dev.hangar.options.DeploymentOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Image;

/**
 * SaveApp / DeleteSavedApp as AMIs on moto, through the AWS backend's SavedAppService: the AMI is
 * tagged with the saved sandbox id in CreateImage, its snapshots get the tags once it lists them,
 * the saved app's attributes deploy it (a Deploy through the driver from that AMI works), the
 * delete removes the AMI and its snapshots and succeeds again when they are gone; a source VM
 * that is gone and an AMI that is not a Hangar saved app get clear errors. Moto ends as it began.
 */
class AwsSavedAppTest {
  private static final String SAVED = "saved-3c1d";
  private final AwsAppFixture f = new AwsAppFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void saveDeployDeleteTwice() {
    JsonNode web = f.deploy("web-1", "web", Map.of("Custom Tags", "team:qa"));
    String source = web.path("vmUuid").asText();
    SavedAppService saved = f.open("SaveApp").savedApps().orElseThrow();
    CommandScope scope = f.scope("SaveApp");
    Map<String, String> sourceAttributes = Map.of("AWS AMI Id", AwsSandboxTest.AMI,
        "Instance Type", "t3.micro", "Custom Tags", "team:qa");

    SavedApp app = saved.save(new SaveAppRequest("save-1", SAVED, source, "web",
        "Hangar Cloud Provider.AWS EC2 Instance", sourceAttributes), scope);
    assertThat(app.artifacts()).hasSize(1);
    String ami = app.artifacts().get(0).ref();
    assertThat(ami).startsWith("ami-");
    assertThat(app.artifacts().get(0).name()).startsWith("hangar-" + SAVED + "-web-");
    assertThat(app.deploymentPath()).isEqualTo("AWS EC2 Instance");
    assertThat(app.savedEntityAttributes()).containsEntry("AWS AMI Id", ami)
        .containsEntry("Instance Type", "t3.micro").containsEntry("Custom Tags", "team:qa");
    assertThat(app.additionalData()).containsEntry("Source Instance", source);

    Image image = f.ec2.describeImages(q -> q.imageIds(ami)).images().get(0);
    assertThat(tags(image.tags())).containsEntry(Tags.SAVED_SANDBOX, SAVED)
        .containsEntry(Tags.ROLE, Tags.ROLE_SAVED_APP).containsEntry(Tags.APP, "web")
        .containsEntry(Tags.SOURCE_INSTANCE, source).containsEntry(Tags.ACTION, "save-1");
    List<String> snapshots = image.blockDeviceMappings().stream()
        .filter(m -> m.ebs() != null && m.ebs().snapshotId() != null)
        .map(m -> m.ebs().snapshotId()).toList();
    assertThat(snapshots).isNotEmpty();
    assertThat(app.additionalData().get("Snapshot IDs")).isEqualTo(String.join(",", snapshots));
    f.ec2.describeSnapshots(q -> q.snapshotIds(snapshots)).snapshots().forEach(s ->
        assertThat(tags(s.tags())).containsEntry(Tags.SAVED_SANDBOX, SAVED)
            .containsEntry(Tags.IMAGE, ami));
    assertThat(f.bed.moto.requests("CreateImage").get(0).get("NoReboot")).isEqualTo("false");

    // A retried SaveApp (same action) gets the same image, and makes none.
    SavedApp again = saved.save(new SaveAppRequest("save-1", SAVED, source, "web",
        "Hangar Cloud Provider.AWS EC2 Instance", sourceAttributes), scope);
    assertThat(again.artifacts()).isEqualTo(app.artifacts());
    assertThat(f.bed.moto.requests("CreateImage")).hasSize(1);

    // The account's AMIs are now hinted, and the saved app's attributes validate.
    AttributeAdvisor advisor = f.open("get_attribute_hints").attributeAdvisor().orElseThrow();
    assertThat(advisor.hints(DeploymentOptions.AWS_EC2_INSTANCE, "AWS AMI Id", Map.of(), scope))
        .containsExactly(ami);
    assertThat(advisor.validate(DeploymentOptions.AWS_EC2_INSTANCE,
        app.savedEntityAttributes(), scope)).isEmpty();

    // The saved app deploys (the platform restores a saved sandbox through Deploy).
    JsonNode copy = f.deploy("web-copy", "web-copy", app.savedEntityAttributes());
    assertThat(f.instance(copy.path("vmUuid").asText()).imageId()).isEqualTo(ami);

    DeleteSavedAppRequest delete = new DeleteSavedAppRequest("del-1", SAVED, "web",
        app.artifacts());
    int lookups = f.bed.moto.requests("DescribeSnapshots").size();
    saved.delete(delete, scope);
    // The image's mappings name its snapshots: no lookup.
    assertThat(f.bed.moto.requests("DescribeSnapshots")).hasSize(lookups);
    assertThat(f.ec2.describeImages(q -> q.owners("self")).images()).isEmpty();
    assertThat(f.ec2.describeSnapshots(q -> q.ownerIds("self").filters(Tags.tag(Tags.IMAGE,
        ami))).snapshots()).isEmpty();
    assertThat(f.ec2.describeSnapshots(q -> q.ownerIds("self")).snapshots())
        .extracting(s -> s.snapshotId()).doesNotContainAnyElementsOf(snapshots);
    saved.delete(delete, scope);

    // A delete that stopped after deregistering: the retry finds the snapshots by their tag.
    SavedApp second = saved.save(new SaveAppRequest("save-2", SAVED, source, "web", "",
        sourceAttributes), scope);
    String ami2 = second.artifacts().get(0).ref();
    f.ec2.deregisterImage(q -> q.imageId(ami2));
    assertThat(f.ec2.describeSnapshots(q -> q.ownerIds("self").filters(Tags.tag(Tags.IMAGE,
        ami2))).snapshots()).hasSize(1);
    saved.delete(new DeleteSavedAppRequest("del-2", SAVED, "web", second.artifacts()), scope);
    assertThat(f.ec2.describeSnapshots(q -> q.ownerIds("self").filters(Tags.tag(Tags.IMAGE,
        ami2))).snapshots()).isEmpty();
  }

  @Test
  void aCancelledSaveRemovesTheImageAndItsSnapshots() {
    JsonNode web = f.deploy("web-1", "web", Map.of());
    SavedAppService saved = f.open("SaveApp").savedApps().orElseThrow();
    // The caller gives up once the image is made.
    CommandScope cancelling = new CommandScope("SaveApp", f.bed.resource().sandbox(), f.bed.api,
        () -> !f.bed.moto.requests("CreateImage").isEmpty(), new SecretRedactor());
    var before = MotoState.read(f.ec2);
    assertThatThrownBy(() -> saved.save(new SaveAppRequest("save-1", SAVED,
        web.path("vmUuid").asText(), "web", "", Map.of()), cancelling))
        .isInstanceOf(CommandCancelledException.class);
    assertThat(f.bed.moto.requests("CreateImage")).hasSize(1);
    assertThat(f.bed.moto.requests("DeregisterImage")).hasSize(1);
    assertThat(f.bed.moto.requests("DeleteSnapshot")).hasSize(1);
    assertThat(MotoState.read(f.ec2).addedSince(before)).isEmpty();
  }

  @Test
  void badInputGetsClearErrors() {
    SavedAppService saved = f.open("SaveApp").savedApps().orElseThrow();
    CommandScope scope = f.scope("SaveApp");
    assertThatThrownBy(() -> saved.save(new SaveAppRequest("save-1", SAVED,
        "i-0123456789abcdef0", "gone", "", Map.of()), scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("cannot save app 'gone'")
        .hasMessageContaining("no longer exists");
    // An AMI that is no saved app of this saved sandbox is left alone.
    assertThatThrownBy(() -> saved.delete(new DeleteSavedAppRequest("del-1", SAVED, "web",
        List.of(new Artifact(AwsSandboxTest.AMI, "public"))), scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("left alone");
    assertThat(f.ec2.describeImages(q -> q.imageIds(AwsSandboxTest.AMI)).images()).hasSize(1);
    assertThatThrownBy(() -> saved.delete(new DeleteSavedAppRequest("del-1", SAVED, "web",
        List.of(new Artifact("vol-1", "x"))), scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("not an AMI id");
    // An artifact already gone: success.
    saved.delete(new DeleteSavedAppRequest("del-1", SAVED, "web",
        List.of(new Artifact("ami-0123456789abcdef0", "gone"))), scope);
    assertThat(f.ec2.describeImages(q -> q.owners("self")).images()).isEmpty();
  }
}
