"""Test-wide settings: Qt offscreen, and hypothesis without wall-clock deadlines.

Hypothesis's default 200 ms deadline is a timing assertion: a first call that imports a
package, or a loaded CI machine, fails it.  Speed is measured in tests/bench, not here.
"""

import os

from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The embedded historian and logs of anything a test starts go to a throwaway folder.
os.environ.setdefault("SWITCHROOM_DATA", os.path.join(os.path.dirname(__file__), "..", ".pytest-data"))

settings.register_profile("switchroom", deadline=None, print_blob=True)
settings.load_profile("switchroom")
