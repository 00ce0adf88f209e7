"""A local stand-in for Amazon's Alexa Smart Properties APIs and Login with Amazon.

Embed it with ``build_app(SimulatorConfig(...))`` (then ``simulator_of(app).credentials``),
or serve it on a free loopback port with ``start_simulator()`` / ``running_simulator()``.
"""

from .app import build_app, simulator_of
from .clock import ManualClock, SystemClock
from .core import Credentials, Simulator, SimulatorConfig
from .embed import RunningSimulator, running_simulator, start_simulator
from .faults import FaultSettings

__all__ = [
    "Credentials",
    "FaultSettings",
    "ManualClock",
    "RunningSimulator",
    "Simulator",
    "SimulatorConfig",
    "SystemClock",
    "build_app",
    "running_simulator",
    "simulator_of",
    "start_simulator",
]
