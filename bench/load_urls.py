from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from waarborg.urls import urlpatterns as waarborg_urls


@csrf_exempt
def bare_insert(request):
    """The least a consent endpoint could do: one INSERT of the body."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_insert (body) VALUES (%s)", [request.body.decode()])
    return HttpResponse(status=204)


urlpatterns = [path("bench/insert", bare_insert), *waarborg_urls]
