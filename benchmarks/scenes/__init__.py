"""A wide synthetic scene generator for the capture benchmarks (not production code).

``desks`` draws desk backgrounds in families (one held out of all tuning),
``camera`` places documents, fingers and webcam degradation, ``pages`` draws A4
pages and whole page frames with truth.
"""
