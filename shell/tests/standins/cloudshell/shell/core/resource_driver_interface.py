"""Test stand-in for cloudshell-shell-core's module of the same name (same public shape)."""

from abc import ABCMeta
from abc import abstractmethod


class ResourceDriverInterface(metaclass=ABCMeta):
    @abstractmethod
    def initialize(self, context):
        pass

    @abstractmethod
    def cleanup(self):
        pass
