"""Test stand-in for cloudshell-shell-core's driver_context: the classes the platform passes to
a driver, with the same constructor parameters and attributes."""


class InitCommandContext:
    def __init__(self, connectivity, resource):
        self.connectivity = connectivity
        self.resource = resource


class ResourceCommandContext:
    def __init__(self, connectivity, resource, reservation, connectors):
        self.connectivity = connectivity
        self.resource = resource
        self.reservation = reservation
        self.connectors = connectors


class ConnectivityContext:
    def __init__(self, server_address, cloudshell_api_port, quali_api_port, admin_auth_token,
                 cloudshell_version, cloudshell_api_scheme):
        self.server_address = server_address
        self.cloudshell_api_port = cloudshell_api_port
        self.quali_api_port = quali_api_port
        self.admin_auth_token = admin_auth_token
        self.cloudshell_version = cloudshell_version
        self.cloudshell_api_scheme = cloudshell_api_scheme


class ResourceContextDetails:
    def __init__(self, id, name, fullname, type, address, model, family,  # noqa: A002
                 description, attributes, app_context, networks_info, shell_standard,
                 shell_standard_version):
        self.id = id
        self.name = name
        self.fullname = fullname
        self.type = type
        self.address = address
        self.model = model
        self.family = family
        self.description = description
        self.attributes = attributes
        self.app_context = app_context
        self.shell_standard = shell_standard
        self.shell_standard_version = shell_standard_version


class AppContext:
    def __init__(self, app_request_json, deployed_app_json):
        self.app_request_json = app_request_json
        self.deployed_app_json = deployed_app_json


class Connector:
    def __init__(self, source, target, target_family, target_model, target_type,
                 target_attributes, direction, alias, attributes, connection_type):
        self.source = source
        self.target = target
        self.target_family = target_family
        self.target_model = target_model
        self.target_type = target_type
        self.target_attributes = target_attributes
        self.direction = direction
        self.alias = alias
        self.attributes = attributes
        self.connection_type = connection_type


class ReservationContextDetails:
    def __init__(self, environment_name, environment_path, domain, description, owner_user,
                 owner_email, reservation_id):
        self.reservation_id = reservation_id
        self.environment_name = environment_name
        self.environment_path = environment_path
        self.domain = domain
        self.description = description
        self.owner_user = owner_user
        self.owner_email = owner_email


class CancellationContext:
    def __init__(self):
        self.is_cancelled = False


class AutoLoadCommandContext:
    def __init__(self, connectivity, resource):
        self.connectivity = connectivity
        self.resource = resource


class AutoLoadDetails:
    def __init__(self, resources, attributes):
        self.resources = resources
        self.attributes = attributes


class AutoLoadResource:
    def __init__(self, model, name, relative_address, unique_identifier=None):
        self.model = model
        self.name = name
        self.relative_address = relative_address
        self.unique_identifier = unique_identifier


class AutoLoadAttribute:
    def __init__(self, relative_address, attribute_name, attribute_value):
        self.relative_address = relative_address
        self.attribute_name = attribute_name
        self.attribute_value = attribute_value


class ResourceRemoteCommandContext:
    def __init__(self, connectivity, resource, remote_reservation, remote_endpoints):
        self.connectivity = connectivity
        self.resource = resource
        self.remote_reservation = remote_reservation
        self.remote_endpoints = remote_endpoints


class UnreservedResourceCommandContext:
    """What the platform passes to commands it runs on a resource outside any reservation
    (DeleteSavedApps): no reservation attribute."""

    def __init__(self, connectivity, resource, connectors):
        self.connectivity = connectivity
        self.resource = resource
        self.connectors = connectors
