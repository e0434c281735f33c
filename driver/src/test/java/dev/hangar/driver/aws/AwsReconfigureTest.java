package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsSnapshotsTest.tags;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.ConsoleAccess;
import dev.hangar.driver.spi.DeployedVm;
import dev.hangar.driver.spi.VmReshape;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Volume;

/**
 * reconfigure_vm and the console of an EC2 app on moto, through the AWS backend's compute: the
 * instance type follows CPUs and memory within the family (on a stopped instance; a running one
 * gets a clear error and no change), a disk grows and never shrinks, a new disk is attached at the
 * next free device and goes with the instance (moto ends as it began); the console gives the
 * console output, the serial console command and the web console's URL.
 */
class AwsReconfigureTest {
  private final AwsAppFixture f = new AwsAppFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  private static VmReshape reshape(Integer cpus, Long mib, Map<Integer, Long> disks) {
    return new VmReshape(cpus == null ? OptionalInt.empty() : OptionalInt.of(cpus),
        mib == null ? OptionalLong.empty() : OptionalLong.of(mib), disks);
  }

  @Test
  void instanceTypeFollowsCpusAndMemoryOnAStoppedInstance() {
    JsonNode web = f.deploy("web-1", "web", Map.of());
    DeployedVm vm = AwsAppFixture.vm("web", web);
    ComputeService compute = f.open("reconfigure_vm").compute();
    CommandScope scope = f.scope("reconfigure_vm");

    assertThatThrownBy(() -> compute.reconfigure(vm, reshape(4, null, Map.of()), scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("power the app off")
        .hasMessageContaining("t3.micro to t3.xlarge");
    assertThat(f.bed.moto.requests("ModifyInstanceAttribute")).isEmpty();
    // The same type needs no change, running or not.
    compute.reconfigure(vm, reshape(2, 1024L, Map.of()), scope);
    assertThat(f.bed.moto.requests("ModifyInstanceAttribute")).isEmpty();

    f.powerOff("web", web);
    compute.reconfigure(vm, reshape(2, 8192L, Map.of()), scope);
    assertThat(f.instance(vm.uid()).instanceTypeAsString()).isEqualTo("t3.large");
    compute.reconfigure(vm, reshape(null, 512L, Map.of()), scope);
    assertThat(f.instance(vm.uid()).instanceTypeAsString()).isEqualTo("t3.nano");
    assertThatThrownBy(() -> compute.reconfigure(vm, reshape(64, null, Map.of()), scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("no t3 instance type")
        .hasMessageContaining("the largest is t3.2xlarge");
    assertThat(f.instance(vm.uid()).instanceTypeAsString()).isEqualTo("t3.nano");
  }

  @Test
  void disksGrowNeverShrinkAndANewOneGoesWithTheInstance() {
    JsonNode web = f.deploy("web-1", "web", Map.of());
    DeployedVm vm = AwsAppFixture.vm("web", web);
    ComputeService compute = f.open("reconfigure_vm").compute();
    CommandScope scope = f.scope("reconfigure_vm");
    InstanceBlockDeviceMapping root = f.instance(vm.uid()).blockDeviceMappings().get(0);
    String rootVolume = root.ebs().volumeId();
    int size = volume(rootVolume).size();

    assertThatThrownBy(() -> compute.reconfigure(vm, reshape(null, null, Map.of(1,
        (long) size - 1)), scope)).isInstanceOf(ClientException.class)
        .hasMessageContaining("Hard Disk 1").hasMessageContaining("is " + size + " GiB")
        .hasMessageContaining("disks only grow");
    assertThatThrownBy(() -> compute.reconfigure(vm, reshape(null, null, Map.of(3, 5L)), scope))
        .isInstanceOf(ClientException.class).hasMessageContaining("a new disk is number 2");
    assertThat(f.bed.moto.requests("ModifyVolume")).isEmpty();
    assertThat(f.bed.moto.requests("CreateVolume")).isEmpty();

    // Running: disks change live.
    compute.reconfigure(vm, reshape(null, null, Map.of(1, (long) size + 12, 2, 5L)), scope);
    assertThat(volume(rootVolume).size()).isEqualTo(size + 12);
    Instance after = f.instance(vm.uid());
    assertThat(after.blockDeviceMappings()).hasSize(2);
    InstanceBlockDeviceMapping added = after.blockDeviceMappings().stream()
        .filter(m -> m.deviceName().equals("/dev/sdf")).findFirst().orElseThrow();
    assertThat(added.ebs().deleteOnTermination()).isTrue();
    Volume disk2 = volume(added.ebs().volumeId());
    assertThat(disk2.size()).isEqualTo(5);
    assertThat(disk2.availabilityZone()).isEqualTo(after.placement().availabilityZone());
    assertThat(tags(disk2.tags())).containsEntry(Tags.SANDBOX, AwsTestbed.SANDBOX)
        .containsEntry(Tags.INSTANCE, vm.uid()).containsEntry(Tags.ROLE, Tags.ROLE_VOLUME);

    // Disk 2 is now the data volume: it grows too, and the next new one goes to /dev/sdg.
    compute.reconfigure(vm, reshape(null, null, Map.of(2, 6L, 3, 1L)), scope);
    assertThat(volume(disk2.volumeId()).size()).isEqualTo(6);
    assertThat(f.instance(vm.uid()).blockDeviceMappings()).extracting(m -> m.deviceName())
        .contains("/dev/sdg");
  }

  @Test
  void consoleGivesTheOutputTheSerialConsoleAndTheWebConsole() {
    JsonNode web = f.deploy("web-1", "web", Map.of());
    DeployedVm vm = AwsAppFixture.vm("web", web);
    ComputeService compute = f.open("get_vm_console").compute();
    CommandScope scope = f.scope("get_vm_console");
    ConsoleAccess c = compute.console(vm, scope);
    assertThat(c.kind()).isEqualTo("console-output");
    // moto's console output is a fixed sample boot log.
    assertThat(c.text()).contains("Linux version");
    assertThat(c.command()).contains("send-serial-console-ssh-public-key")
        .contains("--instance-id " + vm.uid()).endsWith("ssh " + vm.uid()
            + ".port0@serial-console.ec2-instance-connect." + Ec2Peer.REGION + ".aws");
    assertThat(c.url()).isEqualTo("https://" + Ec2Peer.REGION + ".console.aws.amazon.com/ec2/"
        + "home?region=" + Ec2Peer.REGION + "#ConnectToInstance:instanceId=" + vm.uid());
    assertThat(c.note()).contains("EnableSerialConsoleAccess");
    assertThat(c.toString()).doesNotContain(Ec2Peer.SECRET);

    DeployedVm gone = new DeployedVm("ghost", "i-0123456789abcdef0", null, null);
    assertThatThrownBy(() -> compute.console(gone, scope))
        .isInstanceOf(BackendException.class).hasMessageContaining("no longer exists");
    assertThatThrownBy(() -> compute.reconfigure(gone, reshape(2, null, Map.of()), scope))
        .isInstanceOf(BackendException.class).hasMessageContaining("no longer exists");
  }

  private Volume volume(String id) {
    return f.ec2.describeVolumes(q -> q.volumeIds(id)).volumes().get(0);
  }
}
