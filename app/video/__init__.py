"""Video from the switch rooms' IP cameras, Qt-free: capture, states in words, snapshots.

The console shows cameras (widgets/video); the core links them to alarms and keeps the
snapshot taken when a linked alarm is raised.  Nothing here imports Qt: a `CameraStream`
decodes in its own thread and hands over only its newest frame, which the GUI fetches when
it paints.
"""
