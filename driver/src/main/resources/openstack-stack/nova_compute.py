"""nova_compute.py --config-file NOVA_CPU_CONF -- nova-compute with snapshots that hold data.

Nova's fake virt driver (nova.virt.fake.FakeDriver) takes a snapshot without uploading
anything, so the Glance image that Nova made for it stays 'queued': it can neither boot a server
nor rebuild one. A real driver (libvirt) uploads the guest's disk into that image; this one
uploads a small raw payload naming the server, so that server images (Hangar's snapshots and
saved apps) go 'active' as on a real cloud. Everything else is the fake driver's.

Nova loads its compute driver only from the nova.virt package (compute_driver =
hangar_fake.SnapshotFakeDriver), so the driver is registered there as nova.virt.hangar_fake
before nova-compute's main runs.
"""
import io
import sys
import types

from nova.cmd import compute  # first: it monkey-patches for eventlet

import nova.virt
from nova.image import glance
from nova.virt import fake


class SnapshotFakeDriver(fake.FakeDriver):
    """The fake driver whose snapshot uploads a payload into the image Nova made."""

    def snapshot(self, context, instance, image_id, update_task_state):
        super().snapshot(context, instance, image_id, update_task_state)
        payload = ("hangar fake snapshot of server %s\n" % instance.uuid).encode()
        glance.API().update(context, image_id,
                            {"disk_format": "raw", "container_format": "bare"},
                            data=io.BytesIO(payload), purge_props=False)


def main():
    module = types.ModuleType("nova.virt.hangar_fake")
    module.SnapshotFakeDriver = SnapshotFakeDriver
    sys.modules[module.__name__] = module
    nova.virt.hangar_fake = module
    sys.argv[0] = "nova-compute"
    return compute.main()


if __name__ == "__main__":
    sys.exit(main())
