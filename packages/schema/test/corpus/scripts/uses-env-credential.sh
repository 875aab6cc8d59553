#!/bin/sh
curl -H "X-Bk-Token: ${{ env.BK_TOKEN }}" https://example.com
