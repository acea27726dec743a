"""Journey Workbench: the frame around every page (configuration, sign-in, sidebar, navigation).

The pages are listed in ``ui/frame.py``, where a page run without this script finds them too.
"""

from ui import frame

page = frame.navigation()
with frame.framed():
    page.run()
