package empty_test

import rego.v1

helper := 1
