"""Test stand-in for cloudshell-automation-api's CloudShellAPISession: the constructor and the
methods the Hangar driver calls, with the real positional parameters. Every session records its
calls in the class-level ``calls`` list; tests set ``passwords`` (encrypted -> plain) and
``failures`` (method name -> exception to raise) and ``hooks`` (method name -> a function
called with the call's arguments before it returns, e.g. to hold it)."""


class CloudShellAPIError(Exception):
    def __init__(self, code, message, rawxml=''):
        super().__init__('CloudShell API error %s: %s' % (code, message))
        self.code = code
        self.message = message
        self.rawxml = rawxml


class AttributeValueInfo:
    def __init__(self, value):
        self.Value = value


class CloudShellAPISession:
    calls = []
    passwords = {}
    failures = {}
    hooks = {}
    sessions = []

    def __init__(self, host, username='', password='', domain='', timezone='UTC',
                 datetimeformat='MM/dd/yyyy HH:mm', token_id='', port=8029,
                 uri='/ResourceManagerApiService/', cloudshell_api_scheme='http'):
        self.host = host
        self.domain = domain
        self.token_id = token_id
        self.port = port
        CloudShellAPISession.sessions.append(self)

    @classmethod
    def reset(cls):
        cls.calls = []
        cls.passwords = {}
        cls.failures = {}
        cls.hooks = {}
        cls.sessions = []

    def _call(self, method, *args):
        CloudShellAPISession.calls.append((method,) + args)
        hook = CloudShellAPISession.hooks.get(method)
        if hook is not None:
            hook(*args)
        failure = CloudShellAPISession.failures.get(method)
        if failure is not None:
            raise failure

    def UpdateResourceAddress(self, resourceFullPath, resourceAddress):
        self._call('UpdateResourceAddress', resourceFullPath, resourceAddress)

    def SetAttributeValue(self, resourceFullPath, attributeName, attributeValue):
        self._call('SetAttributeValue', resourceFullPath, attributeName, attributeValue)

    def WriteMessageToReservationOutput(self, reservationId, message):
        self._call('WriteMessageToReservationOutput', reservationId, message)

    def SetResourceLiveStatus(self, resourceFullName, liveStatusName, additionalInfo=''):
        self._call('SetResourceLiveStatus', resourceFullName, liveStatusName, additionalInfo)

    def DecryptPassword(self, encryptedString):
        self._call('DecryptPassword', encryptedString)
        if encryptedString not in CloudShellAPISession.passwords:
            raise CloudShellAPIError(100, 'cannot decrypt the value')
        return AttributeValueInfo(CloudShellAPISession.passwords[encryptedString])
