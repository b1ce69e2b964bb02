"""The console's video pane: live camera tiles in a 1, 4 or 9 grid, full screen, snapshots.

An operator looks at a camera when something trips, so the pane must show *why* a tile is
black in words, never block the console, and stop decoding what nobody sees.  Decoding runs
in `app.video.stream.CameraStream`'s worker thread; the GUI paints only the newest frame.

This module stays free of imports: the device browser takes `CAMERA_MIME` from here without
loading the video machinery.
"""

#: What a camera drag carries (the camera list, the device browser): the camera id as UTF-8.
CAMERA_MIME = "application/x-switchroom-camera"
