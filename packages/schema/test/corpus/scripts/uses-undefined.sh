#!/bin/sh
echo rotating ${{ vars.keep }} ${{ vars.kep }}
