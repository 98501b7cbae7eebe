"""AICC (CMI001 v4): course structure files and, with the runtime, HACP."""
