"""What a serving process does once its application is built, before the first request."""
import gc


def settle():
    """Move what was built at start (the application, its routes, compiled statements and
    templates: some hundred thousand objects) out of the garbage collector's sight with gc.freeze.

    The collector then walks only what requests allocate: its full collections, which otherwise
    walk every object of the process, no longer grow with the application, and a page that builds
    many objects (a thread's fifty posts) pays far less for them (bench/forum_bench.py: thread page
    from about 160 to 220 pages a second). Only for a process that serves one application until
    it stops: what is frozen is never collected (tests build an application per test, and do not)."""
    gc.collect()
    gc.freeze()
