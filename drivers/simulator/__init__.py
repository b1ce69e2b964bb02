"""A simulated switch room: DTUs that dial our listener, RS-485 buses, meters, physics, faults.

Every later feature, test, demo and benchmark runs against this instead of a real site.  It
is an independent peer: Modbus is answered by pymodbus's server side and DL/T645 by its own
meter, never by our drivers.  Start with `demo_plant()` (the embedded demo site) or
`scaled_plant()` (benchmarks) and a `Simulator`.

Cameras (`SimCamera` in `SimPlant.cameras`) are served over RTSP by `camera.CameraServer`, which a
test can also run on its own (`camera_thread.serve_in_thread` for synchronous code).
"""

from drivers.simulator.demo import demo_plant, scaled_plant
from drivers.simulator.faults import Fault, FaultError, FaultKind
from drivers.simulator.plant import Plant, PlantError
from drivers.simulator.simulator import Simulator, SimulatorError
from drivers.simulator.spec import SimCamera, SimDevice, SimGateway, SimPlant, SpecError
from drivers.simulator.timing import BusTiming

__all__ = [
    "BusTiming",
    "Fault",
    "FaultError",
    "FaultKind",
    "Plant",
    "PlantError",
    "SimCamera",
    "SimDevice",
    "SimGateway",
    "SimPlant",
    "Simulator",
    "SimulatorError",
    "SpecError",
    "demo_plant",
    "scaled_plant",
]
