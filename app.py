"""Journey Workbench: the frame around every page (configuration, sign-in, sidebar, navigation).

The pages are listed in ``ui/frame.py``, where a page run without this script finds them too.
"""

import ui  # first, so that every module loads once, in one thread (ui/__init__.py)

page = ui.frame.navigation()
with ui.frame.framed():
    page.run()
