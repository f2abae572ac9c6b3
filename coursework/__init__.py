"""Tools for instructors: the student edition of the course and the autograder.

These modules are run from the Makefile (``make student``, ``make grade``); the chapters never
import them.
"""
