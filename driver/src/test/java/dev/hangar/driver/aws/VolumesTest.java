package dev.hangar.driver.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.EbsInstanceBlockDevice;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;

/**
 * Disk numbering and the next free device on instances shaped as EC2 describes them (moto names
 * its root volume /dev/sda1 whatever the AMI's root device name: the moto tests show only that
 * case).
 */
class VolumesTest {
  private static InstanceBlockDeviceMapping map(String device, String volume) {
    return InstanceBlockDeviceMapping.builder().deviceName(device).ebs(EbsInstanceBlockDevice
        .builder().volumeId(volume).deleteOnTermination(true).build()).build();
  }

  @Test
  void theRootVolumeIsDiskOneWhateverItsName() {
    Instance ec2 = Instance.builder().rootDeviceName("/dev/xvda").blockDeviceMappings(
        map("/dev/sdg", "vol-c"), map("/dev/xvda", "vol-a"), map("/dev/sdf", "vol-b")).build();
    assertThat(Volumes.disks(ec2)).extracting(Volumes.Disk::volumeId)
        .containsExactly("vol-a", "vol-b", "vol-c");
    Instance moto = Instance.builder().rootDeviceName("/dev/xvda").blockDeviceMappings(
        map("/dev/sdf", "vol-b"), map("/dev/sda1", "vol-a")).build();
    assertThat(Volumes.disks(moto)).extracting(Volumes.Disk::volumeId)
        .containsExactly("vol-a", "vol-b");
  }

  @Test
  void theNextFreeDeviceSkipsTakenOnesAndTheirXvdTwins() {
    Instance i = Instance.builder().rootDeviceName("/dev/xvda").blockDeviceMappings(
        map("/dev/xvda", "vol-a"), map("/dev/sdf", "vol-b"), map("/dev/xvdg", "vol-c")).build();
    assertThat(Volumes.nextFreeDevice(i, Set.of())).isEqualTo("/dev/sdh");
    assertThat(Volumes.nextFreeDevice(i, Set.of("/dev/sdh"))).isEqualTo("/dev/sdi");
    assertThat(Volumes.nextFreeDevice(i, Set.of("/dev/sdh", "/dev/sdi", "/dev/sdj", "/dev/sdk",
        "/dev/sdl", "/dev/sdm", "/dev/sdn", "/dev/sdo", "/dev/sdp"))).isNull();
  }
}
